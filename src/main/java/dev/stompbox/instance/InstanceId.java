package dev.stompbox.instance;

/** This instance's name in metrics, health and cluster state. */
public record InstanceId(String value) {

	@Override
	public String toString() {
		return this.value;
	}

}
