package dev.stompbox.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.stompbox.support.ServerApi;
import dev.stompbox.support.ServerApi.Reply;
import dev.stompbox.support.TestTokens;

/**
 * One read of {@code /actuator/prometheus} on the main port, as a scraper with a
 * {@code stompbox:metrics} token does it, its samples parsed into names, labels and
 * values.
 */
record PrometheusScrape(List<Sample> samples) {

	private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})? (\\S+)$");

	private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

	static PrometheusScrape of(int port) {
		Reply response = ServerApi.on(port).get("/actuator/prometheus", TestTokens.scraper());
		if (response.status() != 200) {
			throw new AssertionError("/actuator/prometheus answered " + response.status());
		}
		return parse(response.body());
	}

	static PrometheusScrape parse(String text) {
		List<Sample> samples = new ArrayList<>();
		for (String line : text.split("\n")) {
			Matcher sample = SAMPLE.matcher(line);
			if (line.startsWith("#") || !sample.matches()) {
				continue;
			}
			Map<String, String> labels = new LinkedHashMap<>();
			if (sample.group(2) != null) {
				Matcher label = LABEL.matcher(sample.group(2));
				while (label.find()) {
					labels.put(label.group(1), label.group(2));
				}
			}
			samples.add(new Sample(sample.group(1), labels, Double.parseDouble(sample.group(3))));
		}
		return new PrometheusScrape(samples);
	}

	/**
	 * The value of the one sample of the name whose labels include these; fails when
	 * there is none.
	 */
	double value(String name, String... labelPairs) {
		Map<String, String> wanted = new LinkedHashMap<>();
		for (int i = 0; i < labelPairs.length; i += 2) {
			wanted.put(labelPairs[i], labelPairs[i + 1]);
		}
		List<Sample> matching = this.samples.stream()
			.filter((sample) -> sample.name().equals(name) && sample.labels().entrySet().containsAll(wanted.entrySet()))
			.toList();
		if (matching.size() != 1) {
			throw new AssertionError("Expected one sample " + name + wanted + ", found " + matching);
		}
		return matching.get(0).value();
	}

	/** How much a sample grew since an earlier scrape. */
	double since(PrometheusScrape earlier, String name, String... labelPairs) {
		return value(name, labelPairs) - earlier.value(name, labelPairs);
	}

	List<Sample> named(String prefix) {
		return this.samples.stream().filter((sample) -> sample.name().startsWith(prefix)).toList();
	}

	record Sample(String name, Map<String, String> labels, double value) {
	}

}
