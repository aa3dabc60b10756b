/*
 * frontend/svg.c - chart frames in SVG (see svg.h).
 *
 * Coordinates are printed with one decimal: a tenth of a pixel is below
 * what a screen shows, and fixed formatting keeps the files byte-identical
 * from run to run.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "frontend/svg.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

double fe_nice(double v)
{
	if (!(v > 0))
		return 1;
	double mag = pow(10, floor(log10(v)));
	/* Guard the decade boundary against log10's rounding. */
	if (mag > v)
		mag /= 10;
	static const double m[] = { 1, 2, 5, 10 };
	for (int i = 0; i < 4; i++)
		if (m[i] * mag >= v * (1 - 1e-12))
			return m[i] * mag;
	return 10 * mag;
}

static void put_escaped(struct fe_tout *o, const char *text)
{
	for (const char *c = text; *c; c++) {
		if (*c == '<')
			fe_tout_write(o, "&lt;", 4);
		else if (*c == '>')
			fe_tout_write(o, "&gt;", 4);
		else if (*c == '&')
			fe_tout_write(o, "&amp;", 5);
		else
			fe_tout_write(o, c, 1);
	}
}

void fe_svg_begin(struct fe_svg *s, const char *title)
{
	fe_tout_printf(s->o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		       "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
		       "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"12\">\n",
		       s->w, s->h, s->w, s->h);
	fe_tout_printf(s->o, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
	fe_tout_printf(s->o, "<text x=\"%.1f\" y=\"22\" font-size=\"14\">", s->l);
	put_escaped(s->o, title);
	fe_tout_printf(s->o, "</text>\n");
}

void fe_svg_end(struct fe_svg *s)
{
	fe_tout_printf(s->o, "</svg>\n");
}

void fe_svg_text(struct fe_svg *s, double x, double y, const char *anchor, const char *text)
{
	fe_tout_printf(s->o, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">", x, y, anchor);
	put_escaped(s->o, text);
	fe_tout_printf(s->o, "</text>\n");
}

static void grid_line(struct fe_svg *s, double x1, double y1, double x2, double y2,
		      const char *colour)
{
	fe_tout_printf(s->o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		       "stroke=\"%s\"/>\n", x1, y1, x2, y2, colour);
}

void fe_svg_time_axis(struct fe_svg *s, int grid)
{
	static const struct { const char *name; double ps; } unit[] = {
		{ "ns", 1e3 }, { "us", 1e6 }, { "ms", 1e9 }, { "s", 1e12 },
	};
	double span = s->x1 - s->x0;
	int u = 0;
	while (u < 3 && span >= 2000 * unit[u].ps)
		u++;
	double step = fe_nice(span / unit[u].ps / 8) * unit[u].ps;
	double bottom = s->h - s->b, top = s->t;
	for (double k = ceil(s->x0 / step - 1e-9); k * step <= s->x1 + step * 1e-9; k++) {
		double x = fe_svg_x(s, k * step);
		char lab[48];
		snprintf(lab, sizeof(lab), "%g", k * step / unit[u].ps + 0.0);
		if (grid)
			grid_line(s, x, top, x, bottom, "#e4e4e4");
		grid_line(s, x, bottom, x, bottom + 4, "#444");
		fe_svg_text(s, x, bottom + 17, "middle", lab);
	}
	grid_line(s, s->l, bottom, s->w - s->r, bottom, "#444");
	char label[32];
	snprintf(label, sizeof(label), "time (%s)", unit[u].name);
	fe_svg_text(s, (s->l + s->w - s->r) / 2, s->h - 12, "middle", label);
}

void fe_svg_value_axis(struct fe_svg *s, double scale, const char *label)
{
	double span = s->y1 - s->y0;
	if (!(span > 0))
		span = scale;
	double step = fe_nice(span / scale / 5) * scale;
	s->y1 = s->y0 + ceil(span / step - 1e-9) * step;
	for (double k = 0; s->y0 + k * step <= s->y1 + step * 1e-9; k++) {
		double v = s->y0 + k * step, y = fe_svg_y(s, v);
		char lab[48];
		snprintf(lab, sizeof(lab), "%g", v / scale + 0.0);
		grid_line(s, s->l, y, s->w - s->r, y, k ? "#e4e4e4" : "#444");
		fe_svg_text(s, s->l - 6, y + 4, "end", lab);
	}
	fe_tout_printf(s->o, "<text transform=\"translate(18 %.1f) rotate(-90)\" "
		       "text-anchor=\"middle\">", (s->t + s->h - s->b) / 2);
	put_escaped(s->o, label);
	fe_tout_printf(s->o, "</text>\n");
}

const char *fe_svg_colour(unsigned i)
{
	/* Tableau's 10, then six darker companions. */
	static const char *const c[] = {
		"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
		"#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#08306b", "#a63603",
		"#00441b", "#67000d", "#3f007d", "#525252",
	};
	return c[i % (sizeof(c) / sizeof(c[0]))];
}

void fe_svg_legend(struct fe_svg *s, const char *colour, const char *name)
{
	double x = s->w - s->r + 14, y = s->t + 8 + 18 * s->legend++;
	fe_tout_printf(s->o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		       "stroke=\"%s\" stroke-width=\"2\"/>\n", x, y, x + 22, y, colour);
	fe_svg_text(s, x + 28, y + 4, "start", name);
}
