package io.replayflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(30)
class ReplayFlowCliTest {

    private record Result(int exitCode, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ReplayFlow.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void helpListsEveryVerb() {
        Result r = run("--help");

        assertThat(r.exitCode()).isZero();
        for (String verb :
                List.of(
                        "demo",
                        "stack",
                        "actors",
                        "collect",
                        "train",
                        "learn",
                        "evaluate",
                        "ope",
                        "env",
                        "dataset",
                        "policy",
                        "bench",
                        "backfill",
                        "log",
                        "cluster",
                        "drill")) {
            assertThat(r.out()).containsPattern("(?m)^\\s+" + verb + "\\s");
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "demo",
                "stack",
                "actors",
                "collect",
                "train",
                "learn",
                "evaluate",
                "ope",
                "env",
                "env rollout",
                "dataset",
                "dataset inspect",
                "policy",
                "policy list",
                "policy promote",
                "policy rollback",
                "policy pause",
                "policy resume",
                "bench",
                "bench actors",
                "bench ingest",
                "bench trainer",
                "bench assignments",
                "bench frames",
                "bench serve",
                "backfill",
                "log",
                "log replay",
                "cluster",
                "drill"
            })
    void everyVerbHasHelp(String verb) {
        String[] args = (verb + " --help").split(" ");
        Result r = run(args);

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("Usage: replayflow " + verb);
    }

    @Test
    void unknownFlagIsOneLineNamingItWithExit2() {
        Result r = run("stack", "--bogus");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("'--bogus'").contains("replayflow stack --help");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void badValueIsOneLineNamingTheFlagWithExit2() {
        Result r = run("stack", "--kafka-port", "ninety");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("--kafka-port").contains("ninety");
    }

    @Test
    void outOfRangePortIsAUsageErrorBeforeAnythingStarts() {
        Result r = run("stack", "--kafka-port", "70000");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("--kafka-port 70000 is not a TCP port");
    }

    @Test
    void benchTrainerRefusesAnInterOpPoolOfZeroBeforeStartingTensorFlow() {
        Result r = run("bench", "trainer", "--algo", "dqn", "--inter-op", "0");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("--inter-op must be -1 (calling thread) or at least 1");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void benchFramesRefusesAVectorEnvironmentAndMeasuresAStackedOne() throws Exception {
        Result vector = run("bench", "frames", "--env", "CartPole-v1");
        assertThat(vector.exitCode()).isEqualTo(2);
        assertThat(vector.errLines()).hasSize(1);
        assertThat(vector.err()).contains("--env CartPole-v1 has vector observations");

        Result stacked =
                run(
                        "bench",
                        "frames",
                        "--env",
                        "MinAtar/Breakout-v1+stack4",
                        "--transitions",
                        "400");
        assertThat(stacked.exitCode()).as(stacked.err()).isZero();
        String last = stacked.out().strip().lines().reduce((a, b) -> b).orElseThrow();
        com.fasterxml.jackson.databind.JsonNode json =
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(last);
        assertThat(json.get("transitions").asInt()).isEqualTo(400);
        // A stack of 4 repeats 3 of its 4 frames every step: both layouts must shrink.
        assertThat(json.get("log_ratio").asDouble()).isGreaterThan(1.5);
        assertThat(json.get("replay_ratio").asDouble()).isGreaterThan(1.5);
    }

    @Test
    void benchServeRefusesABatchSizeOutsideItsRangeBeforeStartingABroker() {
        Result r = run("bench", "serve", "--batch-size", "2000");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("--batch-size 2000 must be in [0, 1024]");
    }

    @Test
    void benchServeWithAnOutsideBrokerRefusesBrokerSettingsAndNamesAnAddressWithNoBroker() {
        Result both =
                run(
                        "bench",
                        "serve",
                        "--bootstrap",
                        "127.0.0.1:1",
                        "--broker-set",
                        "num.io.threads=1");
        // port 1: nothing listens there, so the topic check fails after the admin's timeout
        Result nobody = run("bench", "serve", "--bootstrap", "127.0.0.1:1");

        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.errLines()).hasSize(1);
        assertThat(both.err()).contains("--broker-set configures the embedded broker");
        assertThat(nobody.exitCode()).isEqualTo(2);
        assertThat(nobody.errLines()).hasSize(1);
        assertThat(nobody.err())
                .contains("--bootstrap 127.0.0.1:1: cannot list its topics")
                .contains("replayflow stack --no-jobs");
    }

    @Test
    void benchAssignmentsRefusesBadCountsAndSettingsBeforeStartingABroker() {
        Result zero = run("bench", "assignments", "--actors", "0");
        assertThat(zero.exitCode()).isEqualTo(2);
        assertThat(zero.errLines()).hasSize(1);
        assertThat(zero.err()).contains("--actors, --envs, --decisions and --steps-per-second");

        Result setting = run("bench", "assignments", "--kafka-set", "fetch.max.wait.ms");
        assertThat(setting.exitCode()).isEqualTo(2);
        assertThat(setting.err()).contains("--kafka-set fetch.max.wait.ms is not KEY=VALUE");

        Result gap = run("bench", "assignments", "--gap", "soon");
        assertThat(gap.exitCode()).isEqualTo(2);
        assertThat(gap.err()).contains("--gap");
        assertThat(gap.out()).isEmpty();
    }

    @Test
    void trainRefusesPolicyGradientAlgorithmsInOneLineNamingLearnAndDemo() {
        Result r = run("train", "--data", "/tmp/no-such-root", "--algo", "impala");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err())
                .contains("--algo impala learns on-policy from live trajectory segments")
                .contains("replayflow demo --algo impala")
                .contains("replayflow learn --algo impala")
                .contains("replayflow stack --dataset-kind segments");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void demoRefusesAnOfflineAlgorithmAndSegmentUsesWithoutPolicyGradientInOneLine() {
        Result offline = run("demo", "--algo", "cql", "--data", "/tmp/no-such-root");
        Result uses =
                run("demo", "--algo", "double-dqn", "--segment-uses", "3", "--data", "/tmp/x");
        Result set = run("demo", "--algo", "impala", "--set", "lr=0.1", "--data", "/tmp/x");
        Result age = run("demo", "--algo", "a2c", "--segment-max-age", "0s", "--data", "/tmp/x");
        Result reinforce =
                run("demo", "--algo", "reinforce", "--segment-uses", "2", "--data", "/tmp/x");
        Result ratio =
                run("demo", "--algo", "a2c", "--samples-per-insert", "64", "--data", "/tmp/x");
        Result zeroRatio = run("demo", "--samples-per-insert", "0", "--data", "/tmp/x");

        assertThat(offline.exitCode()).isEqualTo(2);
        assertThat(offline.errLines()).hasSize(1);
        assertThat(offline.err())
                .contains("demo --algo cql is an offline algorithm")
                .contains("double-dqn, dqn, qr-dqn, a2c, reinforce, impala or r2d2");
        assertThat(uses.exitCode()).isEqualTo(2);
        assertThat(uses.err())
                .contains("--segment-uses applies to --algo a2c, reinforce, impala or r2d2");
        assertThat(set.exitCode()).isEqualTo(2);
        assertThat(set.err())
                .contains(
                        "--set 'lr=0.1' needs the form trainer.KEY=VALUE, controller.KEY=VALUE or"
                                + " actor.epsilon[.spread]=VALUE");
        assertThat(age.exitCode()).isEqualTo(2);
        assertThat(age.errLines()).hasSize(1);
        assertThat(age.err()).contains("segment max age is PT0S; it must be positive");
        assertThat(reinforce.exitCode()).isEqualTo(2);
        assertThat(reinforce.errLines()).hasSize(1);
        assertThat(reinforce.err())
                .contains("--segment-uses 2: reinforce learns each whole episode once");
        assertThat(ratio.exitCode()).isEqualTo(2);
        assertThat(ratio.errLines()).hasSize(1);
        assertThat(ratio.err())
                .contains("--samples-per-insert applies to the replay algorithms")
                .contains("not a2c");
        assertThat(zeroRatio.exitCode()).isEqualTo(2);
        assertThat(zeroRatio.err()).contains("--samples-per-insert 0.0 must be positive");
    }

    @Test
    void actorsRefuseANegativeEpsilonSpreadNamingTheKeyBeforeConnecting() {
        Result r =
                run(
                        "actors",
                        "--bootstrap",
                        "127.0.0.1:1",
                        "--epsilon",
                        "0.4",
                        "--epsilon-spread",
                        "-7");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err())
                .contains("actor.epsilon.spread = -7.0 must be a finite number >= 0")
                .contains("Ape-X's actors use 7");
    }

    @Test
    void demoRefusesAnUnknownActorKeyABadScheduleAndANegativeSpreadInOneLine() {
        Result unknown = run("demo", "--set", "actor.envs=4", "--data", "/tmp/x");
        Result schedule = run("demo", "--set", "actor.epsilon=1.0:0.1", "--data", "/tmp/x");
        Result spread = run("demo", "--set", "actor.epsilon.spread=-2", "--data", "/tmp/x");

        for (Result r : List.of(unknown, schedule, spread)) {
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.errLines()).hasSize(1);
            assertThat(r.out()).isEmpty();
        }
        assertThat(unknown.err())
                .contains("--set actor.envs: the demo takes two actor keys, actor.epsilon=")
                .contains("actor.epsilon.spread=ALPHA");
        assertThat(schedule.err())
                .contains("epsilon '1.0:0.1' is not understood")
                .contains("START:END:DECAY_STEPS");
        assertThat(spread.err())
                .contains("actor.epsilon.spread=-2.0 must be a finite number >= 0, e.g. 7");
    }

    @Test
    void demoRefusesLstmWithAValueBasedAlgorithmOrReinforceAndAnUnknownNetworkInOneLine() {
        Result dqn = run("demo", "--network", "lstm", "--data", "/tmp/x");
        Result reinforce = run("demo", "--algo", "reinforce", "--network", "lstm", "--data", "/x");
        Result unknown = run("demo", "--algo", "impala", "--network", "gru", "--data", "/tmp/x");
        Result units =
                run(
                        "demo",
                        "--algo",
                        "a2c",
                        "--network",
                        "lstm",
                        "--set",
                        "trainer.pg.lstm-units=0",
                        "--data",
                        "/tmp/x");

        for (Result r : List.of(dqn, reinforce, unknown, units)) {
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.errLines()).hasSize(1);
        }
        assertThat(dqn.err())
                .contains("--network lstm applies to --algo a2c or impala")
                .contains("not double-dqn");
        assertThat(reinforce.err()).contains("not reinforce");
        assertThat(unknown.err()).contains("--network 'gru' is unknown: use mlp or lstm");
        assertThat(units.err()).contains("trainer.pg.lstm-units=0 must be >= 1");
    }

    @Test
    void demoRefusesR2d2WithoutTheLstmAndTrainRefusesR2d2InOneLine() {
        Result mlp = run("demo", "--algo", "r2d2", "--data", "/tmp/x");
        Result train = run("train", "--algo", "r2d2", "--data", "/tmp/x");

        assertThat(mlp.exitCode()).isEqualTo(2);
        assertThat(mlp.errLines()).hasSize(1);
        assertThat(mlp.err())
                .contains("--algo r2d2 trains a recurrent Q-network: add --network lstm");
        assertThat(train.exitCode()).isEqualTo(2);
        assertThat(train.errLines()).hasSize(1);
        assertThat(train.err()).contains("--algo r2d2 learns from live trajectory segments");
    }

    @Test
    void demoRefusesAnUnknownLifecycleModeAndAutomaticModeForPolicyGradientInOneLine() {
        Result unknown = run("demo", "--lifecycle", "manual", "--data", "/tmp/x");
        Result pg = run("demo", "--algo", "impala", "--lifecycle", "auto", "--data", "/tmp/x");

        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.errLines()).hasSize(1);
        assertThat(unknown.err())
                .contains(
                        "--lifecycle 'manual': use auto (the controller decides what acts) or off");
        assertThat(pg.exitCode()).isEqualTo(2);
        assertThat(pg.errLines()).hasSize(1);
        assertThat(pg.err())
                .contains("--lifecycle auto applies to double-dqn, dqn and qr-dqn, not impala")
                .contains("use --lifecycle off");
    }

    @Test
    void demoTakesControllerSettingsOnlyInAutomaticModeAndChecksThemInOneLine() {
        Result off =
                run(
                        "demo",
                        "--lifecycle",
                        "off",
                        "--set",
                        "controller.canary.share=0.2",
                        "--data",
                        "/tmp/x");
        Result unknown = run("demo", "--set", "controller.canary.size=0.2", "--data", "/tmp/x");
        Result bad = run("demo", "--set", "controller.canary.share=2", "--data", "/tmp/x");

        assertThat(off.exitCode()).isEqualTo(2);
        assertThat(off.errLines()).hasSize(1);
        assertThat(off.err())
                .contains("--set controller.canary.share tunes the lifecycle controller")
                .contains("use --lifecycle auto");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.errLines()).hasSize(1);
        assertThat(unknown.err())
                .contains("unknown controller setting 'controller.canary.size'")
                .contains("controller.canary.share");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.errLines()).hasSize(1);
        assertThat(bad.err()).contains("controller.canary.share = 2.0 must be in (0, 1)");
    }

    @Test
    void demoRefusesAStepBudgetBelowOneInOneLine() {
        Result r =
                run(
                        "demo",
                        "--env",
                        "MinAtar/Breakout-v1",
                        "--max-env-steps",
                        "0",
                        "--data",
                        "/tmp/x");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("--max-env-steps 0 must be at least 1, e.g. 300000");
    }

    @Test
    void demoRefusesThePolicyGradientLoopOnAnImageEnvInOneLine() {
        Result r =
                run(
                        "demo",
                        "--algo",
                        "impala",
                        "--env",
                        "MinAtar/Breakout-v1",
                        "--data",
                        "/tmp/no-such-root");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err())
                .contains("trajectory segments, which do not carry image observations yet")
                .contains("--algo dqn or double-dqn");
    }

    @Test
    void stackRefusesAnUnknownDatasetKindInOneLine() {
        Result r = run("stack", "--data", "/tmp/no-such-root", "--dataset-kind", "episodes");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err())
                .contains("replay.dataset.kind is 'episodes'; use transitions or segments");
    }

    @Test
    void trainSeedsNeedAnEnvironmentToEvaluateOn() {
        Result r = run("train", "--data", "/tmp/no-such-root", "--algo", "iql", "--seeds", "1,2");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("--seeds needs --env ENV");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void trainSeedsRefuseAnExplicitTrainerSeed() {
        Result r =
                run(
                        "train",
                        "--data",
                        "/tmp/no-such-root",
                        "--algo",
                        "bcq",
                        "--env",
                        "CartPole-v1",
                        "--seeds",
                        "1,2",
                        "--set",
                        "trainer.seed=4");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("drop --set trainer.seed");
    }

    @Test
    void unknownVerbIsAUsageError() {
        Result r = run("fly");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("'fly'");
    }

    @Test
    void envRolloutPrintsOneJsonLinePerStepUntilTheEpisodeEnds() {
        // MountainCar at the goal's doorstep: x=0.49, v=0.02, push right once:
        // v = 0.02 + 0.001 - 0.0025*cos(1.47) = 0.021 - 0.0025*0.1006 = 0.0207484..., so
        // x = 0.49 + 0.0207484 = 0.5107484... >= 0.5 with v >= 0: terminated after one step
        Result r =
                run(
                        "env",
                        "rollout",
                        "--env",
                        "MountainCar-v0",
                        "--state",
                        "0.49,0.02",
                        "--actions",
                        "2,2,2");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out().lines().toList()).hasSize(1);
        assertThat(r.out())
                .startsWith("{\"obs\":[0.5107484")
                .contains("\"reward\":-1.0,\"terminated\":true,\"truncated\":false}");
    }

    @Test
    void envRolloutWithAWrongStateLengthNamesWhatItNeeds() {
        Result r =
                run(
                        "env",
                        "rollout",
                        "--env",
                        "MountainCar-v0",
                        "--state",
                        "0.1",
                        "--actions",
                        "1");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("needs 2 values [position, velocity]");
    }

    @Test
    void envRolloutOfMinAtarBreakoutFromAJsonState() {
        // Ball (x=3, y=8) going down-right, paddle at 4: it lands on the paddle (4, 9) without
        // coming from above it, so it goes back up-left on row 8 at x = 4; next frame (3, 7).
        // Cell (y, x, channel) is index (10y + x)*4 + channel: ball channel 1.
        Result r =
                run(
                        "env",
                        "rollout",
                        "--env",
                        "MinAtar/Breakout-v1",
                        "--sticky",
                        "0",
                        "--state",
                        "{\"ball_x\":3,\"ball_y\":8,\"ball_dir\":2,\"pos\":4}",
                        "--actions",
                        "0,0");

        assertThat(r.exitCode()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(obs(lines.get(0))[(10 * 8 + 4) * 4 + 1]).isEqualTo(1);
        assertThat(obs(lines.get(1))[(10 * 7 + 3) * 4 + 1]).isEqualTo(1);
        assertThat(obs(lines.get(1))).hasSize(400).containsOnly(0, 1);
        assertThat(lines.get(1))
                .endsWith("\"reward\":0.0,\"terminated\":false,\"truncated\":false}");
    }

    @Test
    void envRolloutOfMinAtarWithABadFieldNamesIt() {
        Result r =
                run(
                        "env",
                        "rollout",
                        "--env",
                        "MinAtar/Breakout-v1",
                        "--sticky",
                        "0",
                        "--state",
                        "{\"ball_dir\":7}",
                        "--actions",
                        "0");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err())
                .contains(
                        "MinAtar/Breakout-v1 state field ball_dir must be a whole number from 0"
                                + " to 3; got 7");
    }

    @Test
    void envRolloutRefusesStickyForAClassicEnv() {
        Result r =
                run(
                        "env",
                        "rollout",
                        "--env",
                        "CartPole-v1",
                        "--sticky",
                        "0",
                        "--state",
                        "0,0,0,0",
                        "--actions",
                        "0");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--sticky applies to MinAtar games only, not CartPole-v1");
    }

    private static int[] obs(String line) {
        String list = line.substring(line.indexOf('[') + 1, line.indexOf(']'));
        return java.util.Arrays.stream(list.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    @Test
    void policyVerbsNameAMissingPolicyInOneLineWithExit2() {
        Result r =
                run(
                        "policy",
                        "promote",
                        "nosuch",
                        "3",
                        "--bootstrap",
                        "127.0.0.1:1",
                        "--data",
                        System.getProperty("java.io.tmpdir"));

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("unknown policy 'nosuch'");
    }

    @Test
    void datasetInspectOfAMissingDirectoryIsAUsageError() {
        Result r = run("dataset", "inspect", "/nonexistent/replayflow");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("is not a directory");
    }

    @Test
    void backfillOfAMissingDataRootIsAUsageError() {
        Result r = run("backfill", "--data", "/nonexistent/replayflow", "--dataset", "n5");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("--data /nonexistent/replayflow is not a directory");
    }

    @Test
    void backfillScoringWithADirectoryThatIsNoPolicyIsAUsageError(@TempDir Path data)
            throws Exception {
        Path notAPolicy = Files.createDirectories(data.resolve("policies/cartpole/7"));

        Result r =
                run(
                        "backfill",
                        "--data",
                        data.toString(),
                        "--dataset",
                        "scored",
                        "--score-with",
                        notAPolicy.toString());

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err())
                .contains(
                        "--score-with "
                                + notAPolicy
                                + ": no replayflow-policy.json in "
                                + notAPolicy
                                + ": not a ReplayFlow policy artifact");
    }

    @Test
    void backfillWithAnEmptyRangeNamesBothEnds() {
        Result r =
                run(
                        "backfill",
                        "--data",
                        System.getProperty("java.io.tmpdir"),
                        "--dataset",
                        "n5",
                        "--from",
                        "2026-11-21T00:00:00Z",
                        "--to",
                        "2026-11-20T00:00:00Z");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("the range is empty").contains("give a --from earlier");
    }

    @Test
    void logReplayRefusesSpeedAndMaxRateTogether() {
        Result r =
                run(
                        "log",
                        "replay",
                        "--data",
                        System.getProperty("java.io.tmpdir"),
                        "--bootstrap",
                        "127.0.0.1:9",
                        "--topic",
                        "t",
                        "--speed",
                        "2",
                        "--max-rate",
                        "1000");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("give --speed or --max-rate, not both");
    }
}
