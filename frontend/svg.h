/*
 * frontend/svg.h - the little SVG writer behind `pktsim trace plot`: a chart
 * frame (title, axes with round ticks, legend) and the coordinate mapping,
 * written straight to an fe_tout. No plotting dependency: the files are
 * small, deterministic and open in any browser.
 */
#ifndef PKTSIM_FE_SVG_H
#define PKTSIM_FE_SVG_H

#include <stddef.h>
#include <stdint.h>

#include "frontend/trace_conv.h"

struct fe_svg {
	struct fe_tout *o;
	double w, h;                 /* canvas (px) */
	double l, r, t, b;           /* margins around the plot area (px) */
	double x0, x1, y0, y1;       /* data range shown */
	int legend;                  /* legend entries drawn so far */
};

/* The smallest 1, 2 or 5 x 10^k that is >= v (v > 0). */
double fe_nice(double v);

/* Canvas, white background and title (escaped). */
void fe_svg_begin(struct fe_svg *s, const char *title);
void fe_svg_end(struct fe_svg *s);

static inline double fe_svg_x(const struct fe_svg *s, double x)
{
	return s->l + (x - s->x0) / (s->x1 - s->x0) * (s->w - s->l - s->r);
}

static inline double fe_svg_y(const struct fe_svg *s, double y)
{
	return s->h - s->b - (y - s->y0) / (s->y1 - s->y0) * (s->h - s->t - s->b);
}

/* Text with XML escaping; anchor is "start", "middle" or "end". */
void fe_svg_text(struct fe_svg *s, double x, double y, const char *anchor, const char *text);

/* A time axis along the bottom: x0..x1 are ps; ticks at round times in the
 * unit (ns, us, ms or s) that suits the span, with grid lines if grid. */
void fe_svg_time_axis(struct fe_svg *s, int grid);

/* A value axis on the left: rounds y1 up to a whole tick (so call it before
 * drawing), then ticks and grid lines from y0, values divided by `scale`
 * for the labels, `label` written along the axis. */
void fe_svg_value_axis(struct fe_svg *s, double scale, const char *label);

/* The i-th colour of a categorical palette (cycles after 16). */
const char *fe_svg_colour(unsigned i);

/* A legend entry in the right margin, with the series' colour. */
void fe_svg_legend(struct fe_svg *s, const char *colour, const char *name);

#endif
