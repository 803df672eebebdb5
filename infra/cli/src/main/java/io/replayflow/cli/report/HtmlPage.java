package io.replayflow.cli.report;

import java.util.List;
import java.util.Map;

/**
 * A small self-contained HTML page (inline style, no scripts, images by relative path) so a report
 * reads offline in any browser. Every text is escaped; only {@link #link} makes anchors.
 */
public final class HtmlPage {

    private static final String STYLE =
            "body{font-family:sans-serif;max-width:1040px;margin:2em auto;color:#222}"
                    + "table{border-collapse:collapse;margin:.5em 0 1.5em}"
                    + "td,th{padding:3px 12px;border-bottom:1px solid #ddd;text-align:left}"
                    + "td.n{text-align:right}img{max-width:100%;border:1px solid #eee}"
                    + "code,pre{background:#f6f6f6;padding:2px 4px}";

    private final String title;
    private final StringBuilder body = new StringBuilder();

    public HtmlPage(String title) {
        this.title = title;
        body.append("<h1>").append(escape(title)).append("</h1>\n");
    }

    public HtmlPage heading(String text) {
        body.append("<h2>").append(escape(text)).append("</h2>\n");
        return this;
    }

    public HtmlPage paragraph(String text) {
        body.append("<p>").append(escape(text)).append("</p>\n");
        return this;
    }

    /** A command or path, shown verbatim. */
    public HtmlPage pre(String text) {
        body.append("<pre>").append(escape(text)).append("</pre>\n");
        return this;
    }

    /** A two-column table: name, value. */
    public HtmlPage keyValues(Map<String, String> rows) {
        body.append("<table>\n");
        rows.forEach(
                (k, v) ->
                        body.append("<tr><th>")
                                .append(escape(k))
                                .append("</th><td>")
                                .append(escape(v))
                                .append("</td></tr>\n"));
        body.append("</table>\n");
        return this;
    }

    /** A table with a header row; cells that read as numbers are right-aligned. */
    public HtmlPage table(List<String> headers, List<List<String>> rows) {
        body.append("<table>\n<tr>");
        headers.forEach(h -> body.append("<th>").append(escape(h)).append("</th>"));
        body.append("</tr>\n");
        for (List<String> row : rows) {
            body.append("<tr>");
            for (String cell : row) {
                boolean numeric = cell.matches("[-+]?[0-9][0-9,.]*( ± [0-9,.]+)?( s)?");
                body.append(numeric ? "<td class=\"n\">" : "<td>")
                        .append(escape(cell))
                        .append("</td>");
            }
            body.append("</tr>\n");
        }
        body.append("</table>\n");
        return this;
    }

    /** A line with a label and a link to {@code href}. */
    public HtmlPage link(String label, String href) {
        body.append("<p>")
                .append(escape(label))
                .append(": <a href=\"")
                .append(escape(href))
                .append("\">")
                .append(escape(href))
                .append("</a></p>\n");
        return this;
    }

    /** An image by a path relative to the page. */
    public HtmlPage image(String src, String alt) {
        body.append("<p><img src=\"")
                .append(escape(src))
                .append("\" alt=\"")
                .append(escape(alt))
                .append("\"></p>\n");
        return this;
    }

    public String render() {
        return "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>"
                + escape(title)
                + "</title>\n<style>"
                + STYLE
                + "</style></head><body>\n"
                + body
                + "</body></html>\n";
    }

    public static String escape(String s) {
        return s.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
