package io.replayflow.cluster.drill;

import io.replayflow.schemas.Topics;
import io.replayflow.trainer.Algo;
import io.replayflow.trainer.TrainProgress;
import io.replayflow.trainer.run.TrainListener;
import io.replayflow.trainer.run.TrainRequest;
import io.replayflow.trainer.run.TrainResult;
import io.replayflow.trainer.run.TrainRunner;
import java.io.PrintWriter;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer process of a drill: what {@code replayflow train --data ROOT --env CartPole-v1
 * --steps STEPS --publish --bootstrap B --topic-prefix P} runs, with a checkpoint every {@code
 * CHECKPOINT_PERIOD} steps. It resumes from the newest checkpoint under {@code
 * <root>/checkpoints/trainer/CartPole-v1}; its last line is the result as JSON. Training progress
 * goes to the log (the process's {@code .out} file), in the drill's own words: the console's
 * progress line belongs to the CLI, which this module cannot depend on.
 *
 * <p>Arguments: {@code ROOT_URI BOOTSTRAP TOPIC_PREFIX STEPS CHECKPOINT_PERIOD}.
 */
public final class DrillTrainerMain {

    private static final Logger LOG = LoggerFactory.getLogger(DrillTrainerMain.class);

    static final String POLICY = "CartPole-v1";

    private DrillTrainerMain() {}

    public static void main(String[] args) throws Exception {
        TrainRequest request =
                TrainRequest.builder(URI.create(args[0]))
                        .algo(Algo.parse("dqn"))
                        .env(POLICY)
                        .policyName(POLICY)
                        .topics(Topics.withPrefix(args[2]))
                        .publish(args[1])
                        .steps(Long.parseLong(args[3]))
                        .set("trainer.checkpoint.period", args[4])
                        .build();
        PrintWriter out = new PrintWriter(System.out, true);
        TrainResult result =
                TrainRunner.system()
                        .run(
                                request,
                                new TrainListener() {
                                    @Override
                                    public void progress(TrainProgress p) {
                                        log(p);
                                    }
                                });
        out.println(result.toJson());
        out.flush();
        System.exit(0);
    }

    private static void log(TrainProgress p) {
        LOG.info(
                "trained to step {} of {} at {} steps/s (this run), loss {}",
                p.step(),
                p.targetStep(),
                Math.round(p.stepsPerSecond()),
                p.metrics().totalLoss());
    }
}
