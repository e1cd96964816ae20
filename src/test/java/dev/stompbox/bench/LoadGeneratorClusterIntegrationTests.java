package dev.stompbox.bench;

import java.io.PrintStream;

import org.junit.jupiter.api.Test;

import dev.stompbox.support.ClusterTest;
import dev.stompbox.support.StompboxCluster;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Against two instances on one Redis the generator spreads its clients and still counts
 * every delivery.
 */
@ClusterTest(properties = "stompbox.rate-limit=1000")
class LoadGeneratorClusterIntegrationTests {

	private static final PrintStream LOG = System.err;

	static StompboxCluster cluster;

	private static String targets() {
		return "ws://localhost:" + cluster.port(0) + "/ws,ws://localhost:" + cluster.port(1) + "/ws";
	}

	@Test
	void fanoutOverBothInstancesDeliversEveryMessageToEveryMember() throws Exception {
		Report report = LoadGenerator.run(LOG, "fanout", "--targets", targets(), "--secret", TestTokens.SECRET,
				"--rooms", "2", "--subscribers", "4", "--messages", "100", "--rate", "800");
		report.print(LOG);

		assertThat(report.count("messages")).isEqualTo(100);
		assertThat(report.count("deliveries")).isEqualTo(100 * 4);
		assertThat(report.count("lost")).isZero();
		assertThat(report.count("duplicates")).isZero();
		assertThat(report.count("out_of_order")).isZero();
	}

	@Test
	void usersGetEveryEventPostedToTheOtherInstance() throws Exception {
		Report report = LoadGenerator.run(LOG, "users", "--targets", targets(), "--secret", TestTokens.SECRET,
				"--users", "6", "--messages", "60", "--rate", "300");
		report.print(LOG);

		assertThat(report.count("accepted")).isEqualTo(60);
		assertThat(report.count("deliveries")).isEqualTo(60);
		assertThat(report.count("lost")).isZero();
		assertThat(report.count("duplicates")).isZero();
	}

}
