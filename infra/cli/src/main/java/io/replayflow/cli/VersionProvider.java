package io.replayflow.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest, or "development build" when run from classes. */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = ReplayFlow.class.getPackage().getImplementationVersion();
        return new String[] {"replayflow " + (v == null ? "(development build)" : v)};
    }
}
