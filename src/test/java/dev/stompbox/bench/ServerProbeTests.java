package dev.stompbox.bench;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The servers' write calls per delivery come from /proc/PID/io, and are blank where it
 * cannot be read.
 */
class ServerProbeTests {

	private static final String IO = """
			rchar: 91534712
			wchar: 48201337
			syscr: 120418
			syscw: 73205
			read_bytes: 0
			write_bytes: 4096
			cancelled_write_bytes: 0
			""";

	@Test
	void writeCallsAreTheSyscwLineOfProcPidIo() {
		assertThat(ServerProbe.writeCalls(IO)).isEqualTo(73205);
		assertThat(ServerProbe.writeCalls("rchar: 1\nwchar: 2\n")).isEqualTo(-1);
	}

	@Test
	void writeCallsPerDeliveryAreTheGrowthOverTheWindowDividedByItsDeliveries() {
		Map<String, Object> row = Workload.map();
		Workload.costColumns(row, sample(0, 73_205), sample(1, 73_205 + 1_500), 2_000);
		assertThat(row.get("srv_writes_per_dlv")).isEqualTo(0.75);
		assertThat(row.keySet()).containsSequence("srv_us_per_dlv", "srv_writes_per_dlv");

		Map<String, Object> unreadable = Workload.map();
		Workload.costColumns(unreadable, sample(0, -1), sample(1, -1), 2_000);
		assertThat((double) unreadable.get("srv_writes_per_dlv")).isNaN();
		assertThat((double) unreadable.get("srv_us_per_dlv")).isCloseTo(0.5, within(1e-9));
	}

	/**
	 * A reading {@code second} seconds in, the servers having used a millisecond of CPU a
	 * second.
	 */
	private static ServerProbe.Sample sample(long second, long writeCalls) {
		return new ServerProbe.Sample(second * 1_000_000_000, second * 1_000_000, writeCalls, -1, -1, 0, -1);
	}

}
