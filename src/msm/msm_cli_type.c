/*
 * msm_cli_type: one command-line driver for every measurement command,
 * driven by its struct msm_cli_type (see msm_cli_type.h).
 */
#include "msm/msm_cli_type.h"

#include <getopt.h>
#include <string.h>

#include "msm/msm_cli.h"
#include "util/numparse.h"

/* Option codes of a type's own options: --method, then nums[i]. */
enum { OPT_METHOD = 2000, OPT_NUM0 };

/* What the option handler works on. */
struct type_ctx {
	const struct msm_cli_type *t;
	void *args;
};

/* Store v (already in range) in a field of `width` bytes at p. */
static void store_num(unsigned char *p, size_t width, long long v)
{
	uint8_t v8 = (uint8_t)v;
	uint16_t v16 = (uint16_t)v;
	uint32_t v32 = (uint32_t)v;
	if (width == 1)
		memcpy(p, &v8, 1);
	else if (width == 2)
		memcpy(p, &v16, 2);
	else if (width == 4)
		memcpy(p, &v32, 4);
	else
		memcpy(p, &v, sizeof v);
}

/* --method by name into its field; 0, or -1 with err. */
static int method_opt(const struct type_ctx *x, const char *arg, char *err, size_t errlen)
{
	const struct msm_cli_type *t = x->t;
	int m = msm_cli_name_index(t->method_name, t->n_methods, arg);
	if (m < 0) {
		snprintf(err, errlen, "--method: '%s' is not %s", arg, t->method_list);
		return -1;
	}
	((unsigned char *)x->args)[t->method_off] = (uint8_t)m;
	return 0;
}

/* A numeric option into its field; 0, or -1 with err. */
static int num_opt(const struct type_ctx *x, const struct msm_cli_num *n, const char *arg,
		   char *err, size_t errlen)
{
	char name[64];
	long long v;
	snprintf(name, sizeof name, "--%s", n->name);
	if (!parse_option_num(name, arg, n->min, n->max, &v, err, errlen))
		return -1;
	store_num((unsigned char *)x->args + n->off, n->width, v);
	return 0;
}

/* msm_cli_opt_fn: one of the type's own options. */
static int type_opt(int c, const char *arg, void *ctx, char *err, size_t errlen)
{
	const struct type_ctx *x = ctx;
	if (c == OPT_METHOD)
		return method_opt(x, arg, err, errlen);
	if (c >= OPT_NUM0 && (size_t)(c - OPT_NUM0) < x->t->n_nums)
		return num_opt(x, &x->t->nums[c - OPT_NUM0], arg, err, errlen);
	snprintf(err, errlen, "unknown option (try --help)");
	return -1;
}

/* Fill lo (room for MSM_CLI_MAX_NUMS + 7) with the type's options, then
   the shared ones, then the terminator. */
static void build_longopts(const struct msm_cli_type *t, struct option *lo)
{
	static const struct option common[] = {
		{ "pps", required_argument, NULL, MSM_OPT_PPS },
		{ "help", no_argument, NULL, MSM_OPT_HELP },
		{ "stats", no_argument, NULL, MSM_OPT_STATS },
		{ "user", required_argument, NULL, MSM_OPT_USER },
	};
	size_t k = 0;
	lo[k++] = (struct option){ "method", required_argument, NULL, OPT_METHOD };
	for (size_t i = 0; i < t->n_nums && i < MSM_CLI_MAX_NUMS; i++)
		lo[k++] = (struct option){ t->nums[i].name, required_argument, NULL,
					   OPT_NUM0 + (int)i };
	for (size_t i = 0; i < sizeof common / sizeof common[0]; i++)
		lo[k++] = common[i];
	if (t->send_path)
		lo[k++] = (struct option){ "send-path", required_argument, NULL,
					   MSM_OPT_SEND_PATH };
	lo[k] = (struct option){ NULL, 0, NULL, 0 };
}

/* Parse, complete, run. */
int msm_cli_type_main(const struct msm_cli_type *t, void *args, int argc, char **argv)
{
	struct option lo[MSM_CLI_MAX_NUMS + 7];
	struct type_ctx x = { t, args };
	struct msm_cli_opts o;
	build_longopts(t, lo);
	msm_cli_defaults(&o);
	int rc = msm_cli_parse(t->prog, argc, argv, lo, type_opt, &x, t->help, &o);
	if (rc < 0 && t->complete)
		rc = t->complete(args);
	if (rc >= 0)
		return rc;
	return msm_cli_run(t->prog, t->type, (unsigned char *)args + t->spec_off, &o,
			   argv + optind, argc - optind);
}
