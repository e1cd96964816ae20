package dev.stompbox.api;

/**
 * A place in the ingress order: the epoch, which changes only when an instance finds no
 * order to join, and the number of the message within it.
 */
record IngressPlace(long epoch, long number) {

	static IngressPlace parse(String value) {
		int colon = value.indexOf(':');
		return new IngressPlace(Long.parseLong(value.substring(0, colon)), Long.parseLong(value.substring(colon + 1)));
	}

	IngressPlace next() {
		return new IngressPlace(this.epoch, this.number + 1);
	}

	@Override
	public String toString() {
		return this.epoch + ":" + this.number;
	}

}
