package dev.meetingbridge.store;

import java.security.SecureRandom;

/**
 * New epochs: a meeting gets one when it is created and another whenever its history may
 * have gone back. Random, so that no two histories of one meeting share one.
 */
public final class Epochs {

	private static final SecureRandom RANDOM = new SecureRandom();

	private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

	private static final int LENGTH = 10;

	private Epochs() {
	}

	/** A fresh epoch: 10 lower-case letters and digits (about 52 bits). */
	public static String next() {
		char[] epoch = new char[LENGTH];
		for (int i = 0; i < LENGTH; i++) {
			epoch[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
		}
		return new String(epoch);
	}

}
