package dev.stompbox.bench;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The loopback workload counts what it claims: every write it makes on the schedule, and
 * every byte of them read at the other ends. Its figures are for the machine, not checked
 * here.
 */
class LoopbackFloorTests {

	private static final PrintStream LOG = new PrintStream(OutputStream.nullOutputStream());

	@Test
	void everyWriteOfTheScheduleIsMadeAndReadWhole() throws Exception {
		Report report = LoadGenerator.run(LOG, "loopback", "--connections", "20", "--rate", "4000", "--bytes", "300",
				"--burst", "10", "--duration", "1");
		report.print(LOG);

		assertThat(report.count("writes")).isEqualTo(4000);
		assertThat(report.count("bytes_written")).isEqualTo(4000 * 300);
		assertThat(report.count("bytes_read")).isEqualTo(4000 * 300);
		Map<String, Object> step = report.steps().getFirst();
		assertThat(step).containsKeys("writer_us_per_write", "reader_us_per_write");
		assertThat((double) step.get("reader_us_per_write")).isPositive();
	}

}
