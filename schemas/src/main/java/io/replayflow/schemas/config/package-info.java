/**
 * One configuration mechanism for every component: settings are Flink {@link
 * org.apache.flink.configuration.ConfigOption}s with descriptions, collected per component in an
 * {@link io.replayflow.schemas.config.OptionTable} that reads a {@code key → text} map into {@link
 * io.replayflow.schemas.config.Settings} (unknown keys and unparsable values refused with the key,
 * the value and an example) and renders the component's section of {@code docs/CONFIG.md}. Keys
 * that several components read are spelled once, in {@link
 * io.replayflow.schemas.config.SharedOptions}; a component's older spelling stays readable as a
 * deprecated key.
 */
package io.replayflow.schemas.config;
