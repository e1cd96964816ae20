package dev.stompbox.security.jwt;

/** Where demo mode's signing key comes from: made here, or shared by every instance. */
interface DemoKeySource {

	/** 32 random bytes, the same on every instance that shares them. */
	byte[] key();

}
