/*
 * zstd_file: a compressing stdio stream (zstd_file.h).
 */
#include "util/zstd_file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

struct zfile {
	FILE *out;          /* the compressed file */
	ZSTD_CCtx *cctx;
	void *buf;          /* compressed bytes on their way out */
	size_t cap;
	int failed;
};

/* Compress in (in_len bytes) with directive end, writing what comes out; 0 or -1. */
static int pump(struct zfile *z, const void *in, size_t in_len, ZSTD_EndDirective end)
{
	ZSTD_inBuffer ib = { in, in_len, 0 };
	size_t left;
	do {
		ZSTD_outBuffer ob = { z->buf, z->cap, 0 };
		left = ZSTD_compressStream2(z->cctx, &ob, &ib, end);
		if (ZSTD_isError(left) || fwrite(z->buf, 1, ob.pos, z->out) != ob.pos)
			return -1;
	} while (end == ZSTD_e_end ? left != 0 : ib.pos < ib.size);
	return 0;
}

/* cookie write: compress what the stream hands over. */
static ssize_t zwrite(void *cookie, const char *data, size_t len)
{
	struct zfile *z = cookie;
	if (z->failed || pump(z, data, len, ZSTD_e_continue) < 0) {
		z->failed = 1;
		errno = EIO;
		return -1;
	}
	return (ssize_t)len;
}

/* cookie close: end the frame, close the file, free. */
static int zclose(void *cookie)
{
	struct zfile *z = cookie;
	int rc = z->failed || pump(z, NULL, 0, ZSTD_e_end) < 0 ? -1 : 0;
	if (fclose(z->out) != 0)
		rc = -1;
	ZSTD_freeCCtx(z->cctx);
	free(z->buf);
	free(z);
	return rc;
}

/* See zstd_file.h. */
FILE *zstd_file_open(const char *path, int level, char *err, size_t errlen)
{
	struct zfile *z = calloc(1, sizeof *z);
	cookie_io_functions_t io = { .write = zwrite, .close = zclose };
	FILE *f = NULL;
	if (z) {
		z->cap = ZSTD_CStreamOutSize();
		z->buf = malloc(z->cap);
		z->cctx = ZSTD_createCCtx();
	}
	if (!z || !z->buf || !z->cctx ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(z->cctx, ZSTD_c_compressionLevel, level))) {
		snprintf(err, errlen, "out of memory");
	} else if (!(z->out = fopen(path, "wb"))) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	} else if (!(f = fopencookie(z, "w", io))) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		fclose(z->out);
	}
	if (f)
		return f;
	if (z) {
		ZSTD_freeCCtx(z->cctx);
		free(z->buf);
		free(z);
	}
	return NULL;
}
