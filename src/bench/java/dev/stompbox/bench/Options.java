package dev.stompbox.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The command line: a workload name, then {@code --name value} pairs and bare {@code --flag}s.
 * Every option read is remembered, so one that no workload reads is reported as unknown.
 */
final class Options {

	private final String workload;

	private final Map<String, String> values = new LinkedHashMap<>();

	private final Set<String> read = new HashSet<>();

	private Options(String workload) {
		this.workload = workload;
	}

	static Options parse(String... args) {
		List<String> words = new ArrayList<>();
		for (String arg : args) {
			// exec:exec hands the whole -Dargs string over as words already; tolerate one string too.
			words.addAll(Arrays.stream(arg.trim().split("\\s+")).filter((w) -> !w.isEmpty()).toList());
		}
		if (words.isEmpty()) {
			return new Options("help");
		}
		Options options = new Options(words.get(0));
		for (int i = 1; i < words.size(); i++) {
			String word = words.get(i);
			if (!word.startsWith("--") || word.length() < 3) {
				throw new IllegalArgumentException("Expected --option, got '" + word + "'");
			}
			String name = word.substring(2);
			String value = "true";
			int eq = name.indexOf('=');
			if (eq > 0) {
				value = name.substring(eq + 1);
				name = name.substring(0, eq);
			}
			else if (i + 1 < words.size() && !words.get(i + 1).startsWith("--")) {
				value = words.get(++i);
			}
			options.values.put(name, value);
		}
		return options;
	}

	String workload() {
		return this.workload;
	}

	String string(String name, String fallback) {
		this.read.add(name);
		return this.values.getOrDefault(name, fallback);
	}

	boolean has(String name) {
		this.read.add(name);
		return this.values.containsKey(name);
	}

	int integer(String name, int fallback) {
		return (int) number(name, fallback);
	}

	long number(String name, long fallback) {
		String value = string(name, null);
		if (value == null) {
			return fallback;
		}
		try {
			return Long.parseLong(value.replace("_", "").replace(",", ""));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("--" + name + " needs a whole number, got '" + value + "'");
		}
	}

	double decimal(String name, double fallback) {
		String value = string(name, null);
		if (value == null) {
			return fallback;
		}
		try {
			return Double.parseDouble(value.replace("_", ""));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("--" + name + " needs a number, got '" + value + "'");
		}
	}

	boolean flag(String name) {
		return Boolean.parseBoolean(string(name, "false"));
	}

	/** A comma-separated list, empty when the option is absent. */
	List<String> list(String name) {
		String value = string(name, "");
		return Arrays.stream(value.split(",")).map(String::trim).filter((v) -> !v.isEmpty()).toList();
	}

	/** Fails on options given that no part of the chosen workload read. */
	void rejectUnknown() {
		List<String> unknown = this.values.keySet().stream().filter((name) -> !this.read.contains(name)).toList();
		if (!unknown.isEmpty()) {
			throw new IllegalArgumentException("Unknown option(s) for " + this.workload + ": --"
					+ String.join(", --", unknown));
		}
	}

}
