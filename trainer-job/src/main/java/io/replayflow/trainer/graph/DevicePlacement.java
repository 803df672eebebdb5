package io.replayflow.trainer.graph;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;

/**
 * Where each op family ran, from the step statistics of one traced {@code Session.run}: e.g. {@code
 * MatMul -> [/device:GPU:0]}, {@code ApplyAdam -> [/device:GPU:0]}. The trainer traces its first
 * step and logs this, so a GPU run shows plainly whether the math left the CPU.
 */
public final class DevicePlacement {

    private DevicePlacement() {}

    /** Run options that make TensorFlow record per-node device statistics. */
    public static RunOptions traceOptions() {
        return RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build();
    }

    /** Op type → devices it ran on (short names such as {@code CPU:0}). */
    public static Map<String, Set<String>> byOpType(RunMetadata metadata) {
        Map<String, Set<String>> placement = new TreeMap<>();
        for (DeviceStepStats device : metadata.getStepStats().getDevStatsList()) {
            String name = shortDevice(device.getDevice());
            for (NodeExecStats node : device.getNodeStatsList()) {
                String type = opType(node.getTimelineLabel());
                if (type != null) {
                    placement.computeIfAbsent(type, t -> new TreeSet<>()).add(name);
                }
            }
        }
        return placement;
    }

    /** One line per device: {@code CPU:0: ApplyAdam, BiasAdd, MatMul, ...}. */
    public static String describe(Map<String, Set<String>> byOpType) {
        Map<String, Set<String>> byDevice = new TreeMap<>();
        byOpType.forEach(
                (type, devices) ->
                        devices.forEach(
                                d -> byDevice.computeIfAbsent(d, k -> new TreeSet<>()).add(type)));
        StringBuilder out = new StringBuilder();
        byDevice.forEach(
                (device, types) ->
                        out.append(device)
                                .append(": ")
                                .append(String.join(", ", types))
                                .append('\n'));
        return out.toString().strip();
    }

    /** {@code "name = MatMul(a, b)"} → {@code MatMul}. */
    static String opType(String timelineLabel) {
        int eq = timelineLabel.indexOf(" = ");
        int paren = timelineLabel.indexOf('(', eq + 3);
        if (eq < 0 || paren < 0) {
            return null;
        }
        return timelineLabel.substring(eq + 3, paren).strip();
    }

    private static String shortDevice(String device) {
        int i = device.indexOf("device:");
        return i < 0 ? device : device.substring(i + "device:".length());
    }
}
