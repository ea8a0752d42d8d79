/*
 * churn_svg: the churn report (churn.h) as one SVG picture a person reads at
 * a glance: above, bars of the vantage points that joined, left and
 * returned in each period; below, the histogram of their uptime over the
 * window with its median marked. Plain SVG 1.1, no script, no external font.
 */
#ifndef VANTAGE_CONTROLLER_CHURN_SVG_H
#define VANTAGE_CONTROLLER_CHURN_SVG_H

#include <jansson.h>
#include <stdio.h>

/* Write the report r to f; 0, or -1 if the write failed. */
int churn_svg_write(const json_t *r, FILE *f);

#endif
