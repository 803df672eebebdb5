package io.replayflow.cluster.drill;

import io.replayflow.schemas.Topics;
import io.replayflow.trainer.Algo;
import io.replayflow.trainer.run.TrainRequest;
import io.replayflow.trainer.run.TrainResult;
import io.replayflow.trainer.run.TrainRunner;
import java.io.PrintWriter;
import java.net.URI;

/**
 * The trainer process of a drill: what {@code replayflow train --data ROOT --env CartPole-v1
 * --steps STEPS --publish --bootstrap B --topic-prefix P} runs, with a checkpoint every {@code
 * CHECKPOINT_PERIOD} steps. It resumes from the newest checkpoint under {@code
 * <root>/checkpoints/trainer/CartPole-v1}; its last line is the result as JSON.
 *
 * <p>Arguments: {@code ROOT_URI BOOTSTRAP TOPIC_PREFIX STEPS CHECKPOINT_PERIOD}.
 */
public final class DrillTrainerMain {

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
        TrainResult result = TrainRunner.system().run(request, out);
        out.println(result.toJson());
        out.flush();
        System.exit(0);
    }
}
