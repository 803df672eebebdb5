package io.replayflow.replay.read.internal;

/** The dictionaries shared by every block of one dataset. Not thread-safe. */
public final class Dictionaries {
    public final StringDictionary envs = new StringDictionary();
    public final StringDictionary actors = new StringDictionary();
    public final StringDictionary episodes = new StringDictionary();
    public final PolicyTable policies = new PolicyTable();
}
