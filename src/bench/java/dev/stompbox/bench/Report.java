package dev.stompbox.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a run found: a heading of settings, one row per step (a rate of a ladder, a round of
 * a storm), and totals. Printed as a table for people and as one JSON line for scripts.
 */
final class Report {

	private final String workload;

	private final Map<String, Object> settings = new LinkedHashMap<>();

	private final List<Map<String, Object>> steps = new ArrayList<>();

	private final Map<String, Object> totals = new LinkedHashMap<>();

	Report(String workload) {
		this.workload = workload;
	}

	String workload() {
		return this.workload;
	}

	Report setting(String name, Object value) {
		this.settings.put(name, value);
		return this;
	}

	Map<String, Object> step() {
		Map<String, Object> step = new LinkedHashMap<>();
		this.steps.add(step);
		return step;
	}

	Report total(String name, Object value) {
		this.totals.put(name, value);
		return this;
	}

	List<Map<String, Object>> steps() {
		return this.steps;
	}

	Map<String, Object> totals() {
		return this.totals;
	}

	/** A whole-number total, for tests and scripts. */
	long count(String name) {
		Object value = this.totals.get(name);
		if (!(value instanceof Number number)) {
			throw new IllegalArgumentException("No total " + name + " in " + this.totals.keySet());
		}
		return number.longValue();
	}

	void print(PrintStream out) {
		out.println();
		out.println(this.workload + "  " + inline(this.settings));
		if (!this.steps.isEmpty()) {
			List<String> columns = new ArrayList<>();
			this.steps.forEach((step) -> step.keySet().stream().filter((k) -> !columns.contains(k)).forEach(columns::add));
			int[] widths = new int[columns.size()];
			for (int c = 0; c < columns.size(); c++) {
				widths[c] = columns.get(c).length();
				for (Map<String, Object> step : this.steps) {
					widths[c] = Math.max(widths[c], text(step.get(columns.get(c))).length());
				}
			}
			StringBuilder header = new StringBuilder();
			for (int c = 0; c < columns.size(); c++) {
				header.append(String.format("%" + widths[c] + "s  ", columns.get(c)));
			}
			out.println(header.toString().stripTrailing());
			for (Map<String, Object> step : this.steps) {
				StringBuilder row = new StringBuilder();
				for (int c = 0; c < columns.size(); c++) {
					row.append(String.format("%" + widths[c] + "s  ", text(step.get(columns.get(c)))));
				}
				out.println(row.toString().stripTrailing());
			}
		}
		int width = this.totals.keySet().stream().mapToInt(String::length).max().orElse(0);
		this.totals.forEach((name, value) -> out.println(String.format("  %-" + width + "s  %s", name, text(value))));
		out.println(json());
	}

	/** The whole report as one line of JSON. */
	String json() {
		Map<String, Object> all = new LinkedHashMap<>();
		all.put("workload", this.workload);
		all.put("settings", this.settings);
		all.put("steps", this.steps);
		all.put("totals", this.totals);
		StringBuilder json = new StringBuilder();
		writeJson(json, all);
		return json.toString();
	}

	private static String inline(Map<String, Object> values) {
		StringBuilder line = new StringBuilder();
		values.forEach((name, value) -> line.append(name).append('=').append(text(value)).append("  "));
		return line.toString().stripTrailing();
	}

	private static String text(Object value) {
		if (value == null) {
			return "-";
		}
		if (value instanceof Double || value instanceof Float) {
			double d = ((Number) value).doubleValue();
			if (Double.isNaN(d)) {
				return "-";
			}
			return (Math.abs(d) >= 100) ? String.format(Locale.ROOT, "%.0f", d)
					: (Math.abs(d) >= 1) ? String.format(Locale.ROOT, "%.2f", d) : String.format(Locale.ROOT, "%.3f", d);
		}
		if (value instanceof Map<?, ?> map) {
			StringBuilder joined = new StringBuilder();
			map.forEach((k, v) -> joined.append(joined.isEmpty() ? "" : ", ").append(k).append(": ").append(text(v)));
			return joined.isEmpty() ? "none" : joined.toString();
		}
		return String.valueOf(value);
	}

	private static void writeJson(StringBuilder out, Object value) {
		if (value == null) {
			out.append("null");
		}
		else if (value instanceof Map<?, ?> map) {
			out.append('{');
			boolean first = true;
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				out.append(first ? "" : ",");
				first = false;
				writeJson(out, String.valueOf(entry.getKey()));
				out.append(':');
				writeJson(out, entry.getValue());
			}
			out.append('}');
		}
		else if (value instanceof List<?> list) {
			out.append('[');
			for (int i = 0; i < list.size(); i++) {
				out.append((i == 0) ? "" : ",");
				writeJson(out, list.get(i));
			}
			out.append(']');
		}
		else if (value instanceof Double || value instanceof Float) {
			double d = ((Number) value).doubleValue();
			out.append((Double.isNaN(d) || Double.isInfinite(d)) ? "null"
					: String.format(Locale.ROOT, "%.4f", d).replaceAll("0+$", "").replaceAll("\\.$", ""));
		}
		else if (value instanceof Number || value instanceof Boolean) {
			out.append(value);
		}
		else {
			out.append('"');
			for (char c : String.valueOf(value).toCharArray()) {
				switch (c) {
					case '"' -> out.append("\\\"");
					case '\\' -> out.append("\\\\");
					case '\n' -> out.append("\\n");
					default -> {
						if (c < 0x20) {
							out.append(String.format("\\u%04x", (int) c));
						}
						else {
							out.append(c);
						}
					}
				}
			}
			out.append('"');
		}
	}

}
