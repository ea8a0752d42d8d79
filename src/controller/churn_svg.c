/*
 * churn_svg: draw the churn report (see churn_svg.h).
 */
#include "controller/churn_svg.h"

#include <stdint.h>
#include <time.h>

#define W 820
#define LEFT 60
#define PLOT_W (W - LEFT - 20)
#define TOP1 50
#define H1 200
#define TOP2 340
#define H2 150

static const char *const kinds[] = { "joined", "left", "returned" };
static const char *const colours[] = { "#2e7d32", "#c62828", "#1565c0" };

/* The "all" count of kind in period p. */
static int64_t count(const json_t *p, const char *kind)
{
	return json_integer_value(json_object_get(json_object_get(p, kind), "all"));
}

/* A period's start as a short UTC label: a date, or a time for periods under a day. */
static void label(int64_t t, int64_t period, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm))
		tm = (struct tm){ 0 };
	strftime(buf, len, period >= 86400 ? "%m-%d" : "%H:%M:%S", &tm);
}

/* The bars of joined, left and returned per period, with the count axis. */
static void period_bars(const json_t *r, FILE *f)
{
	const json_t *periods = json_object_get(r, "periods"), *p;
	size_t n = json_array_size(periods), i;
	int64_t max = 1;
	json_array_foreach(periods, i, p)
		for (int k = 0; k < 3; k++)
			max = count(p, kinds[k]) > max ? count(p, kinds[k]) : max;
	fprintf(f, "<text x='%d' y='%d' font-size='15'>vantage points joined, left (abandoned)"
		" and returned per period</text>\n", LEFT, TOP1 - 22);
	fprintf(f, "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='#444'/>\n", LEFT, TOP1 + H1,
		LEFT + PLOT_W, TOP1 + H1);
	fprintf(f, "<text x='%d' y='%d' font-size='11' text-anchor='end'>%lld</text>\n", LEFT - 6,
		TOP1 + 4, (long long)max);
	fprintf(f, "<text x='%d' y='%d' font-size='11' text-anchor='end'>0</text>\n", LEFT - 6,
		TOP1 + H1);
	double slot = (double)PLOT_W / (double)(n ? n : 1), bar = slot / 4;
	int64_t period = json_integer_value(json_object_get(r, "period"));
	json_array_foreach(periods, i, p) {
		double x0 = LEFT + slot * (double)i + bar / 2;
		for (int k = 0; k < 3; k++) {
			double h = (double)H1 * (double)count(p, kinds[k]) / (double)max;
			fprintf(f, "<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='%s'>"
				"<title>%s: %lld</title></rect>\n", x0 + bar * k, TOP1 + H1 - h, bar, h,
				colours[k], kinds[k], (long long)count(p, kinds[k]));
		}
		if (n <= 31 || i % ((n + 30) / 31) == 0) {
			char b[32];
			label(json_integer_value(json_object_get(p, "start")), period, b, sizeof b);
			fprintf(f, "<text x='%.1f' y='%d' font-size='10' text-anchor='middle'>%s</text>\n",
				x0 + bar * 1.5, TOP1 + H1 + 14, b);
		}
	}
	for (int k = 0; k < 3; k++)
		fprintf(f, "<rect x='%d' y='%d' width='12' height='12' fill='%s'/><text x='%d' y='%d'"
			" font-size='12'>%s</text>\n", LEFT + 130 * k, TOP1 + H1 + 26, colours[k],
			LEFT + 130 * k + 16, TOP1 + H1 + 37, kinds[k]);
}

/* The uptime histogram of every agent, with the median marked. */
static void uptime_bars(const json_t *r, FILE *f)
{
	const json_t *all = json_object_get(json_object_get(r, "uptime"), "all");
	const json_t *hist = json_object_get(all, "histogram"), *v;
	size_t i, n = json_array_size(hist);
	int64_t max = 1;
	json_array_foreach(hist, i, v)
		max = json_integer_value(v) > max ? json_integer_value(v) : max;
	fprintf(f, "<text x='%d' y='%d' font-size='15'>uptime over the window: %lld vantage points"
		" by share of time connected</text>\n", LEFT, TOP2 - 22,
		(long long)json_integer_value(json_object_get(all, "agents")));
	double slot = (double)PLOT_W / (double)(n ? n : 1);
	json_array_foreach(hist, i, v) {
		double h = (double)H2 * (double)json_integer_value(v) / (double)max;
		fprintf(f, "<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='#607d8b'>"
			"<title>%zu-%zu%%: %lld</title></rect>\n", LEFT + slot * (double)i + 2,
			TOP2 + H2 - h, slot - 4, h, i * 10, i * 10 + 10, (long long)json_integer_value(v));
		fprintf(f, "<text x='%.1f' y='%d' font-size='10' text-anchor='middle'>%zu%%</text>\n",
			LEFT + slot * (double)i, TOP2 + H2 + 14, i * 10);
	}
	fprintf(f, "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='#444'/>\n", LEFT, TOP2 + H2,
		LEFT + PLOT_W, TOP2 + H2);
	fprintf(f, "<text x='%d' y='%d' font-size='10' text-anchor='middle'>100%%</text>\n",
		LEFT + PLOT_W, TOP2 + H2 + 14);
	fprintf(f, "<text x='%d' y='%d' font-size='11' text-anchor='end'>%lld</text>\n", LEFT - 6,
		TOP2 + 4, (long long)max);
	const json_t *m = json_object_get(all, "median");
	if (json_is_number(m)) {
		double x = LEFT + PLOT_W * json_number_value(m);
		fprintf(f, "<line x1='%.1f' y1='%d' x2='%.1f' y2='%d' stroke='#000'"
			" stroke-dasharray='5,3'/><text x='%.1f' y='%d' font-size='12'"
			" text-anchor='end'>median %.0f%%</text>\n", x, TOP2 - 4, x, TOP2 + H2, x - 4,
			TOP2 + 10, 100 * json_number_value(m));
	}
}

/* See churn_svg.h. */
int churn_svg_write(const json_t *r, FILE *f)
{
	fprintf(f, "<?xml version='1.0' encoding='UTF-8'?>\n<svg xmlns='http://www.w3.org/2000/svg'"
		" width='%d' height='%d' font-family='sans-serif'>\n<rect width='100%%'"
		" height='100%%' fill='white'/>\n", W, TOP2 + H2 + 40);
	period_bars(r, f);
	uptime_bars(r, f);
	fprintf(f, "</svg>\n");
	return ferror(f) ? -1 : 0;
}
