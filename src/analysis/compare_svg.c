/*
 * compare_svg: draw a comparison as a self-contained SVG: on the left the
 * empirical CDFs of both sides' RTTs, each less its target's smallest RTT so
 * that all targets share one scale (up to the 99th percentile), on the
 * right the CDF of the per-round differences B - A with zero and the median
 * marked; the verdict on top. Written by hand: axes, ticks, polylines.
 */
#include "analysis/compare_out.h"

#include <math.h>
#include <string.h>

#define W 980
#define H 470
#define PW 390   /* panel width */
#define PH 290   /* panel height */
#define PY 110   /* panel top */
#define MAXPTS 1200

/* One panel: its left edge and x range (y is always 0..1). */
struct panel {
	double left, lo, hi;
};

/* Pixel x of value x in panel p (clamped to the panel). */
static double px(const struct panel *p, double x)
{
	double f = (x - p->lo) / (p->hi - p->lo);
	f = f < 0 ? 0 : f > 1 ? 1 : f;
	return p->left + f * PW;
}

/* Pixel y of a CDF value in [0,1]. */
static double py(double y)
{
	return PY + PH - y * PH;
}

/* A "nice" tick spacing (1, 2 or 5 times a power of ten) for range. */
static double nice_step(double range)
{
	double raw = range / 6, mag = pow(10, floor(log10(raw)));
	double f = raw / mag;
	return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
}

/* Frame, ticks, grid and labels of a panel. */
static void axes(FILE *o, const struct panel *p, const char *xlabel, const char *title)
{
	fprintf(o, "<rect x='%.1f' y='%d' width='%d' height='%d' fill='none' stroke='#333'/>\n",
		p->left, PY, PW, PH);
	double step = nice_step(p->hi - p->lo);
	for (double t = ceil(p->lo / step) * step; t <= p->hi + step * 1e-9; t += step) {
		double x = px(p, t);
		fprintf(o, "<line x1='%.1f' y1='%d' x2='%.1f' y2='%d' stroke='#ddd'/>"
			"<text x='%.1f' y='%d' font-size='11' text-anchor='middle'>%g</text>\n",
			x, PY, x, PY + PH, x, PY + PH + 15, fabs(t) < step * 1e-6 ? 0 : t);
	}
	for (int i = 0; i <= 4; i++) {
		double y = py(i / 4.0);
		fprintf(o, "<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' stroke='#ddd'/>"
			"<text x='%.1f' y='%.1f' font-size='11' text-anchor='end'>%.2f</text>\n",
			p->left, y, p->left + PW, y, p->left - 5, y + 4, i / 4.0);
	}
	fprintf(o, "<text x='%.1f' y='%d' font-size='12' text-anchor='middle'>%s</text>\n",
		p->left + PW / 2.0, PY + PH + 34, xlabel);
	fprintf(o, "<text x='%.1f' y='%d' font-size='13' font-weight='bold' "
		"text-anchor='middle'>%s</text>\n", p->left + PW / 2.0, PY - 8, title);
}

/* The CDF of sorted v[0..n) as a polyline in colour. */
static void cdf(FILE *o, const struct panel *p, const double *v, size_t n, const char *colour)
{
	if (n == 0)
		return;
	size_t k = n / MAXPTS + 1;
	fprintf(o, "<polyline fill='none' stroke='%s' stroke-width='1.8' points='", colour);
	fprintf(o, "%.1f,%.1f ", px(p, v[0]), py(0));
	for (size_t i = 0; i < n; i += k)
		fprintf(o, "%.1f,%.1f ", px(p, v[i]), py((double)(i + 1) / (double)n));
	fprintf(o, "%.1f,%.1f'/>\n", px(p, v[n - 1]), py(1));
}

/* A legend entry at row i of a panel. */
static void legend(FILE *o, const struct panel *p, int i, const char *colour, const char *text)
{
	double x = p->left + PW - 150, y = PY + PH - 40 + 16 * i;
	fprintf(o, "<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' stroke='%s' stroke-width='3'/>"
		"<text x='%.1f' y='%.1f' font-size='11'>%s</text>\n",
		x, y, x + 20, y, colour, x + 26, y + 4, text);
}

/* A vertical marker line at value x with a label on text row `row`. */
static void marker(FILE *o, const struct panel *p, double x, const char *dash,
		   const char *label, int row)
{
	double X = px(p, x);
	fprintf(o, "<line x1='%.1f' y1='%d' x2='%.1f' y2='%d' stroke='#555' stroke-dasharray='%s'/>"
		"<text x='%.1f' y='%d' font-size='10'>%s</text>\n",
		X, PY, X, PY + PH, dash, X + 3, PY + 12 + 14 * row, label);
}

/* XML-escape text into out (size bytes). */
static void escape(const char *in, char *out, size_t size)
{
	size_t o = 0;
	for (; *in && o + 7 < size; in++) {
		const char *rep = *in == '<' ? "&lt;" : *in == '>' ? "&gt;" : *in == '&' ? "&amp;" :
				  *in == '\'' ? "&apos;" : NULL;
		if (rep) {
			memcpy(out + o, rep, strlen(rep));
			o += strlen(rep);
		} else {
			out[o++] = *in;
		}
	}
	out[o] = '\0';
}

/* The verdict on top, wrapped at about 130 characters per line. */
static void title(FILE *o, const struct compare_report *r)
{
	char esc[2048], a[400], b[400];
	escape(r->name_a, a, sizeof a);
	escape(r->name_b, b, sizeof b);
	fprintf(o, "<text x='20' y='24' font-size='15' font-weight='bold'>vantage compare: "
		"A = %s, B = %s</text>\n", a, b);
	escape(r->verdict, esc, sizeof esc);
	size_t len = strlen(esc), pos = 0;
	for (int line = 0; pos < len && line < 4; line++) {
		size_t n = len - pos > 130 ? 130 : len - pos;
		while (n < len - pos && n > 60 && esc[pos + n] != ' ')
			n--;
		fprintf(o, "<text x='20' y='%d' font-size='12'>%.*s</text>\n", 46 + 16 * line,
			(int)n, esc + pos);
		pos += n;
		while (pos < len && esc[pos] == ' ')
			pos++;
	}
}

/* The RTT panel: CDFs of both sides' RTTs above their target's minimum,
   up to the larger 99th percentile. */
static void rtt_panel(FILE *o, const struct compare_report *r)
{
	double hi = fmax(r->na ? stats_quantile_sorted(r->excess_a, r->na, 0.99) : 0,
			 r->nb ? stats_quantile_sorted(r->excess_b, r->nb, 0.99) : 0);
	if (!(hi > 0))
		hi = 1;
	struct panel p = { 70, 0, hi };
	axes(o, &p, "RTT above the target's minimum (ms), to the 99th percentile",
	     "CDF of RTTs (all targets)");
	cdf(o, &p, r->excess_a, r->na, "#1f77b4");
	cdf(o, &p, r->excess_b, r->nb, "#ff7f0e");
	legend(o, &p, 0, "#1f77b4", "A");
	legend(o, &p, 1, "#ff7f0e", "B");
}

/* The difference panel: CDF of B - A between its 1st and 99th percentiles. */
static void diff_panel(FILE *o, const struct compare_report *r)
{
	double lo = r->ndiff ? stats_quantile_sorted(r->diffs, r->ndiff, 0.01) : -1;
	double hi = r->ndiff ? stats_quantile_sorted(r->diffs, r->ndiff, 0.99) : 1;
	lo = fmin(lo, 0);
	hi = fmax(hi, 0);
	if (hi - lo < 1e-3) {
		lo -= 0.5;
		hi += 0.5;
	}
	struct panel p = { 560, lo, hi };
	axes(o, &p, "per-round min RTT difference B - A (ms)", "CDF of differences");
	cdf(o, &p, r->diffs, r->ndiff, "#2ca02c");
	marker(o, &p, 0, "2,3", "0", 0);
	if (r->ndiff) {
		char label[48];
		snprintf(label, sizeof label, "median %+.3f", r->diff.median);
		marker(o, &p, r->diff.median, "6,3", label, 1);
	}
}

/* Write the SVG; see compare_out.h. */
int compare_write_svg(const struct compare_report *r, FILE *o)
{
	fprintf(o, "<?xml version='1.0' encoding='UTF-8'?>\n"
		"<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' "
		"viewBox='0 0 %d %d' font-family='sans-serif'>\n"
		"<rect width='100%%' height='100%%' fill='white'/>\n", W, H, W, H);
	title(o, r);
	rtt_panel(o, r);
	diff_panel(o, r);
	fprintf(o, "</svg>\n");
	return ferror(o) ? -1 : 0;
}
