/* plan_svg.c - the arena over time as SVG: one rectangle per range (x the
 * steps it spans, y its bytes in the arena), the budget as a line, loads and
 * spills as thick edges. The same plan gives the same bytes. */
#include "plan.h"

#include "strbuf.h"

/* The picture's geometry in pixels: margins, plot height, step widths, the
 * least width (room for the header line). */
enum { LEFT = 96, TOP = 44, BOTTOM = 56, RIGHT = 16, PLOT_H = 360, PLOT_W = 720,
       STEP_MIN = 8, STEP_MAX = 64, MIN_W = 900 };

/* Fill colours, one per tensor in turn. */
static const char *const palette[] = {
	"#8dd3c7", "#ffffb3", "#bebada", "#fb8072", "#80b1d3", "#fdb462",
	"#b3de69", "#fccde5", "#d9d9d9", "#bc80bd", "#ccebc5", "#ffed6f",
};

/* The length of the well-formed UTF-8 character at "s" (1-4), 0 when it is
 * not one. */
static int utf8_char(const unsigned char *s)
{
	int n = s[0] < 0x80 ? 1 : (s[0] & 0xE0) == 0xC0 ? 2 : (s[0] & 0xF0) == 0xE0 ? 3
	      : (s[0] & 0xF8) == 0xF0 ? 4 : 0;
	for (int k = 1; k < n; k++)
		if ((s[k] & 0xC0) != 0x80)
			return 0;
	return n;
}

/* Appends "s" as XML character data: markup characters escaped, control
 * characters and broken UTF-8 as '?' (XML cannot hold them). */
static void put_text(strbuf *b, const char *s)
{
	static const char *const esc[] = {['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;",
	                                  ['"'] = "&quot;", ['\''] = "&apos;"};
	for (const unsigned char *c = (const unsigned char *)s; *c;) {
		int n = utf8_char(c);
		if (n == 1 && *c < sizeof esc / sizeof esc[0] && esc[*c])
			strbuf_printf(b, "%s", esc[*c]);
		else if (n == 0 || *c < 0x20 || *c == 0x7F)
			strbuf_printf(b, "?");
		else
			strbuf_append(b, (const char *)c, (size_t)n);
		c += n ? n : 1;
	}
}

/* The arena bytes at the top of the picture: the height, the budget and
 * every range's end (a hand-edited plan may reach past its height). */
static int64_t top_bytes(const ir_plan *p)
{
	int64_t top = p->workspace_bytes > p->budget ? p->workspace_bytes : p->budget;
	for (int r = 0; r < p->nranges; r++) {
		int64_t end = p->ranges[r].offset + ir_plan_size(p->dag, p->mode, p->ranges[r].tensor);
		top = end > top ? end : top;
	}
	return top > 0 ? top : 1;
}

/* The y pixel of arena byte "bytes" (0 at the bottom of the plot). */
static double y_of(int64_t bytes, int64_t top)
{
	return TOP + PLOT_H - (double)bytes * PLOT_H / (double)top;
}

/* The frame, the byte axis (0, half and top) and the step axis (every
 * "every"-th step). */
static void draw_axes(strbuf *b, const ir_plan *p, int step_w, int64_t top)
{
	int w = p->nsteps * step_w;
	strbuf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#ffffff\" "
	              "stroke=\"#000000\"/>\n", LEFT, TOP, w, PLOT_H);
	for (int k = 0; k <= 2; k++) {
		int64_t bytes = top / 2 * k + (k == 2 ? top % 2 : 0);
		double y = y_of(bytes, top);
		strbuf_printf(b, "<line x1=\"%d\" y1=\"%.2f\" x2=\"%d\" y2=\"%.2f\" stroke=\"#000000\"/>"
		              "<text x=\"%d\" y=\"%.2f\" text-anchor=\"end\">%lld</text>\n",
		              LEFT - 4, y, LEFT, y, LEFT - 6, y + 4, (long long)bytes);
	}
	int every = (28 + step_w - 1) / step_w;
	for (int t = 0; t < p->nsteps; t += every)
		strbuf_printf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>\n",
		              LEFT + (t + 0.5) * step_w, TOP + PLOT_H + 14, t);
	strbuf_printf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">step</text>\n",
	              LEFT + w / 2.0, TOP + PLOT_H + 30);
	strbuf_printf(b, "<text x=\"16\" y=\"%d\" transform=\"rotate(-90 16 %d)\" "
	              "text-anchor=\"middle\">arena offset (bytes)</text>\n",
	              TOP + PLOT_H / 2, TOP + PLOT_H / 2);
}

/* One range: its rectangle with a tooltip, its tensor's name when it fits,
 * and thick left/right edges for a load/spill. */
static void draw_range(strbuf *b, const ir_plan *p, const ir_plan_range *x, int step_w,
                       int64_t top)
{
	const ir_dag_tensor *e = &p->dag->tensors[x->tensor];
	int64_t size = ir_plan_size(p->dag, p->mode, x->tensor);
	double x0 = LEFT + (double)x->first * step_w, x1 = LEFT + ((double)x->last + 1) * step_w;
	double y0 = y_of(x->offset + size, top), y1 = y_of(x->offset, top);
	strbuf_printf(b, "<g><title>");
	put_text(b, e->name);
	strbuf_printf(b, ": steps %d-%d, bytes %lld-%lld (%lld)%s%s</title>\n", x->first, x->last,
	              (long long)x->offset, (long long)(x->offset + size), (long long)size,
	              x->load ? ", loaded" : "", x->spill ? ", spilled" : "");
	strbuf_printf(b, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\" "
	              "stroke=\"#404040\" stroke-width=\"0.5\"/>\n", x0, y0, x1 - x0, y1 - y0,
	              palette[x->tensor % (int)(sizeof palette / sizeof palette[0])]);
	if (x->load)
		strbuf_printf(b, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" "
		              "stroke=\"#000000\" stroke-width=\"3\"/>\n", x0 + 1.5, y0, x0 + 1.5, y1);
	if (x->spill)
		strbuf_printf(b, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" "
		              "stroke=\"#000000\" stroke-width=\"3\"/>\n", x1 - 1.5, y0, x1 - 1.5, y1);
	if (y1 - y0 >= 12 && x1 - x0 >= 24) {
		strbuf_printf(b, "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"middle\">",
		              (x0 + x1) / 2, (y0 + y1) / 2 + 4);
		put_text(b, e->name);
		strbuf_printf(b, "</text>\n");
	}
	strbuf_printf(b, "</g>\n");
}

/* The header line, the axes, the ranges, the budget line and the key. */
char *ir_plan_svg(const ir_plan *p)
{
	strbuf b = {0};
	int steps = p->nsteps > 0 ? p->nsteps : 1;
	int step_w = PLOT_W / steps < STEP_MIN ? STEP_MIN : PLOT_W / steps > STEP_MAX ? STEP_MAX
	           : PLOT_W / steps;
	int width = LEFT + steps * step_w + RIGHT, height = TOP + PLOT_H + BOTTOM;
	width = width < MIN_W ? MIN_W : width;
	int64_t top = top_bytes(p);
	strbuf_printf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	              "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
	              "viewBox=\"0 0 %d %d\" font-family=\"monospace\" font-size=\"11\">\n",
	              width, height, width, height);
	strbuf_printf(&b, "<title>einc plan ");
	put_text(&b, p->dag->name);
	strbuf_printf(&b, ": the arena over time</title>\n"
	              "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", width, height);
	strbuf_printf(&b, "<text x=\"8\" y=\"16\">plan ");
	put_text(&b, p->dag->name);
	strbuf_printf(&b, ", %s mode: peak %lld bytes (step bound %lld, live bound %lld), budget ",
	              ir_plan_mode_name(p->mode), (long long)p->workspace_bytes,
	              (long long)p->step_lb, (long long)p->live_lb);
	if (p->budget)
		strbuf_printf(&b, "%lld", (long long)p->budget);
	else
		strbuf_printf(&b, "unlimited");
	strbuf_printf(&b, ", traffic %lld, %s</text>\n", (long long)p->traffic,
	              ir_plan_status_name(p->status));
	draw_axes(&b, p, step_w, top);
	for (int r = 0; r < p->nranges; r++)
		draw_range(&b, p, &p->ranges[r], step_w, top);
	if (p->budget) {
		double y = y_of(p->budget, top);
		strbuf_printf(&b, "<line x1=\"%d\" y1=\"%.2f\" x2=\"%d\" y2=\"%.2f\" stroke=\"#d62728\" "
		              "stroke-dasharray=\"6 3\"/><text x=\"%d\" y=\"%.2f\" fill=\"#d62728\" "
		              "text-anchor=\"end\">budget</text>\n", LEFT, y, LEFT + steps * step_w, y,
		              LEFT + steps * step_w, y - 3);
	}
	strbuf_printf(&b, "<text x=\"8\" y=\"%d\">one rectangle per stay of a tensor in the arena; "
	              "thick left edge: loaded, thick right edge: spilled</text>\n</svg>\n",
	              height - 8);
	return strbuf_take(&b);
}
