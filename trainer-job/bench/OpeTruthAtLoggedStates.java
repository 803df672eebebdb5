// Where is FQE wrong? (docs/ALGORITHMS.md, "OPE accuracy on CartPole-v1", the diagnosis.)
//
// CartPole-v1's state is its observation, so the true Q(s, pi(s)) of a deterministic target at a
// logged state is a rollout: set the environment to the logged observation and run the target
// greedily for the steps left before the 500-step limit (500 - t, t the step in its logged episode).
// This program compares that truth with FQE's values at the same states, binned by the step in the
// episode and by the true value, and measures how well the log covers the target's own states
// (nearest-neighbour distance in z-scored observations). A bench diagnostic, not product code: it
// runs as a single-file Java program on the launcher's classpath and reaches FQE's fit through
// reflection (OffPolicyEvaluation.fitFqe is private), with `ope`'s FQE defaults and one fit.
//
//   ./mvnw -B -o -q -DskipTests package
//   CP=$(cat infra/cli/target/launcher.classpath)
//   java -cp "$CP" trainer-job/bench/OpeTruthAtLoggedStates.java DATA TARGET_DIR [fqe]
//
// "fqe" also fits FQE and prints its bias against the truth (about 4 min on the shared 2-core VM).
// -Dquick=true skips the truth and prints only FQE's value at the logged initial states;
// -Dmix=DIR:EPS:STEPS[,...] adds in-memory episodes of the artifact DIR under epsilon-greedy EPS
// (exact behaviour probabilities, reset seeds from 1000) to the log before fitting: what a log that
// also holds those behaviours would give, without collecting it. -Dhistory=K: `ope --fqe-history K`.
import io.replayflow.actor.env.CartPole;
import io.replayflow.actor.env.EnvRegistry;
import io.replayflow.actor.env.StepResult;
import io.replayflow.actor.swap.EnvPolicySpec;
import io.replayflow.policy.Policy;
import io.replayflow.policy.load.PolicyLoader;
import io.replayflow.schemas.env.EnvSpec;
import io.replayflow.trainer.TrainerConfig;
import io.replayflow.trainer.data.DataSelection;
import io.replayflow.trainer.ope.ExperienceEpisodes;
import io.replayflow.trainer.ope.LoggedSteps;
import io.replayflow.trainer.ope.OffPolicyEvaluation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

public class OpeTruthAtLoggedStates {

    static final int D = 4;
    static final int HORIZON = 500;
    static final int ROWS = 256;

    static int[] act(Policy p, float[] obs, int rows) {
        return p.actions(obs, rows);
    }

    /** The target's return from {@code state} within {@code budget} steps. */
    static int rollout(Policy p, CartPole env, float[] state, int budget) {
        env.setState(new double[] {state[0], state[1], state[2], state[3]});
        float[] o = state.clone();
        StepResult r = new StepResult();
        int ret = 0;
        for (int k = 0; k < budget; k++) {
            env.step(act(p, o, 1)[0], o, 0, r);
            ret++;
            if (r.terminated()) {
                break;
            }
        }
        return ret;
    }

    /** Episodes of {@code p} under epsilon-greedy {@code eps}, {@code steps} in all. */
    static List<LoggedSteps> episodes(Policy p, double eps, long steps, long salt) {
        List<LoggedSteps> out = new ArrayList<>();
        Random random = new Random(salt);
        long got = 0;
        int seed = 1000;
        while (got < steps) {
            CartPole env = new CartPole();
            float[] o = env.reset(seed++);
            StepResult r = new StepResult();
            float[] obs = new float[HORIZON * D];
            float[] next = new float[HORIZON * D];
            int[] action = new int[HORIZON];
            float[] mu = new float[HORIZON];
            int n = 0;
            boolean terminated = false;
            while (n < HORIZON && !terminated) {
                int greedy = act(p, o, 1)[0];
                int a = random.nextDouble() < eps ? random.nextInt(2) : greedy;
                mu[n] = (float) (a == greedy ? 1 - eps / 2 : eps / 2);
                System.arraycopy(o, 0, obs, n * D, D);
                action[n] = a;
                env.step(a, o, 0, r);
                System.arraycopy(o, 0, next, n * D, D);
                terminated = r.terminated();
                n++;
            }
            float[] reward = new float[n];
            Arrays.fill(reward, 1f);
            boolean[] term = new boolean[n];
            boolean[] trunc = new boolean[n];
            term[n - 1] = terminated;
            trunc[n - 1] = !terminated;
            out.add(
                    new LoggedSteps(
                            Arrays.copyOf(obs, n * D),
                            Arrays.copyOf(action, n),
                            reward,
                            Arrays.copyOf(mu, n),
                            Arrays.copyOf(next, n * D),
                            term,
                            trunc));
            got += n;
        }
        return out;
    }

    /** FQE with `ope`'s defaults (action input, Retrace, 8 iterates, lr 1e-3, period 20), one fit. */
    @SuppressWarnings("unchecked")
    static List<float[][]> fitFqe(Policy target, List<LoggedSteps> eps, List<int[]> piAt)
            throws Exception {
        List<int[]> piNext = new ArrayList<>();
        for (LoggedSteps l : eps) {
            piNext.add(act(target, l.nextObs(), l.length()));
        }
        Map<String, String> config = new LinkedHashMap<>();
        config.put("trainer.lr", "0.001");
        config.put("trainer.target.update-period", "20");
        config.put("trainer.threads.intra-op", "1");
        config.put("trainer.threads.inter-op", "1");
        var settings =
                OffPolicyEvaluation.Settings.builder()
                        .methods(Set.of("fqe"))
                        .fqe(TrainerConfig.fromMap(config))
                        .fqeFits(1)
                        .fqeHistory(Integer.getInteger("history", 0))
                        .build();
        var fit =
                OffPolicyEvaluation.class.getDeclaredMethod(
                        "fitFqe", List.class, List.class, List.class, int.class, int.class,
                        OffPolicyEvaluation.Settings.class);
        fit.setAccessible(true);
        return ((List<List<float[][]>>) fit.invoke(null, eps, piAt, piNext, D, 2, settings)).get(0);
    }

    static double nearest(float[] s, float[][] log, double[] sd) {
        double best = Double.MAX_VALUE;
        for (float[] q : log) {
            double d = 0;
            for (int k = 0; k < D; k++) {
                double z = (s[k] - q[k]) / sd[k];
                d += z * z;
            }
            if (d > 0 && d < best) {
                best = d;
            }
        }
        return Math.sqrt(best);
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        boolean withFqe = args.length > 2 && args[2].equals("fqe");
        EnvSpec spec = EnvRegistry.withBuiltIns().spec("CartPole-v1");
        CartPole env = new CartPole();
        float[] probe = env.reset(1);
        PolicyLoader loader =
                PolicyLoader.tensorFlow(EnvPolicySpec.of(spec), probe, ROWS).statelessOnly("bench");
        Policy target = loader.loadDirectory(Path.of(args[1]));
        var read =
                ExperienceEpisodes.read(
                        data.toAbsolutePath().toUri(),
                        new DataSelection(
                                Optional.of("CartPole-v1"),
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty()));
        List<LoggedSteps> eps = new ArrayList<>(read.episodes());
        for (String m : System.getProperty("mix", "").split(",")) {
            if (m.isEmpty()) {
                continue;
            }
            String[] p = m.split(":");
            try (Policy behaviour = loader.loadDirectory(Path.of(p[0]))) {
                List<LoggedSteps> more =
                        episodes(
                                behaviour,
                                Double.parseDouble(p[1]),
                                Long.parseLong(p[2]),
                                p[0].hashCode());
                System.out.printf("added %d episodes of %s at epsilon %s%n", more.size(), p[0], p[1]);
                eps.addAll(more);
            }
        }
        List<int[]> piAt = new ArrayList<>();
        for (LoggedSteps l : eps) {
            piAt.add(act(target, l.obs(), l.length()));
        }
        if (Boolean.getBoolean("quick")) {
            List<float[][]> q = fitFqe(target, eps, piAt);
            double v = 0;
            for (int e = 0; e < eps.size(); e++) {
                v += q.get(e)[0][piAt.get(e)[0]];
            }
            System.out.printf("FQE at the logged initial states: %.1f%n", v / eps.size());
            return;
        }
        List<float[]> logS = new ArrayList<>();
        List<int[]> where = new ArrayList<>(); // {episode, t}
        for (int e = 0; e < eps.size(); e++) {
            for (int t = 0; t < eps.get(e).length(); t++) {
                logS.add(Arrays.copyOfRange(eps.get(e).obs(), t * D, t * D + D));
                where.add(new int[] {e, t});
            }
        }
        double[] mean = new double[D];
        double[] sd = new double[D];
        for (float[] s : logS) {
            for (int k = 0; k < D; k++) {
                mean[k] += s[k] / logS.size();
            }
        }
        for (float[] s : logS) {
            for (int k = 0; k < D; k++) {
                sd[k] += (s[k] - mean[k]) * (s[k] - mean[k]) / logS.size();
            }
        }
        for (int k = 0; k < D; k++) {
            sd[k] = Math.sqrt(sd[k]);
        }
        System.out.printf(
                "log: %d episodes, %d steps, sd %s%n", eps.size(), logS.size(), Arrays.toString(sd));

        // the target's own states over 100 seeded episodes, and how it ends
        List<float[]> visited = new ArrayList<>();
        List<Integer> visitedT = new ArrayList<>();
        int byX = 0;
        int byAngle = 0;
        int atLimit = 0;
        double sum = 0;
        for (int seed = 0; seed < 100; seed++) {
            float[] o = env.reset(seed);
            StepResult r = new StepResult();
            int t = 0;
            for (; t < HORIZON; t++) {
                visited.add(o.clone());
                visitedT.add(t);
                env.step(act(target, o, 1)[0], o, 0, r);
                if (r.terminated()) {
                    break;
                }
            }
            int ret = Math.min(t + 1, HORIZON);
            sum += ret;
            if (ret >= HORIZON) {
                atLimit++;
            } else if (Math.abs(o[0]) > 2.4) {
                byX++;
            } else {
                byAngle++;
            }
        }
        System.out.printf(
                "target: mean return %.1f over seeds 0-99; ends by |x| %d, by angle %d, at the limit"
                        + " %d%n",
                sum / 100, byX, byAngle, atLimit);

        Random random = new Random(5);
        float[][] sample = new float[Math.min(30000, logS.size())][];
        for (int i = 0; i < sample.length; i++) {
            sample[i] = logS.get(random.nextInt(logS.size()));
        }
        int[] tBins = {0, 100, 200, 300, 400, 500};
        for (int b = 0; b + 1 < tBins.length; b++) {
            List<Double> dist = new ArrayList<>();
            double absX = 0;
            for (int i = 0; i < visited.size(); i += 7) {
                int t = visitedT.get(i);
                if (t >= tBins[b] && t < tBins[b + 1]) {
                    absX += Math.abs(visited.get(i)[0]);
                    dist.add(nearest(visited.get(i), sample, sd));
                }
            }
            if (!dist.isEmpty()) {
                Collections.sort(dist);
                System.out.printf(
                        "target's states, t in [%d, %d): mean |x| %.2f, distance to the log median"
                                + " %.3f p90 %.3f%n",
                        tBins[b], tBins[b + 1], absX / dist.size(), dist.get(dist.size() / 2),
                        dist.get(dist.size() * 9 / 10));
            }
        }
        List<Double> self = new ArrayList<>();
        for (int j = 0; j < 300; j++) {
            self.add(nearest(logS.get(random.nextInt(logS.size())), sample, sd));
        }
        Collections.sort(self);
        System.out.printf(
                "log to log: median %.3f p90 %.3f%n", self.get(150), self.get(270));

        int n = 1500;
        int[] at = new int[n];
        double[] truth = new double[n];
        for (int j = 0; j < n; j++) {
            at[j] = random.nextInt(logS.size());
            truth[j] = rollout(target, env, logS.get(at[j]), HORIZON - where.get(at[j])[1]);
        }
        double v0 = 0;
        for (LoggedSteps l : eps) {
            v0 += rollout(target, env, Arrays.copyOf(l.obs(), D), HORIZON);
        }
        System.out.printf("true value at the logged initial states: %.1f%n", v0 / eps.size());
        if (!withFqe) {
            return;
        }
        List<float[][]> q = fitFqe(target, eps, piAt);
        double f0 = 0;
        for (int e = 0; e < eps.size(); e++) {
            f0 += q.get(e)[0][piAt.get(e)[0]];
        }
        System.out.printf("FQE at the logged initial states: %.1f%n", f0 / eps.size());
        int[] stepBins = {0, 1, 50, 150, 300, 500};
        for (int b = 0; b + 1 < stepBins.length; b++) {
            double bias = 0;
            double tr = 0;
            int count = 0;
            for (int j = 0; j < n; j++) {
                int e = where.get(at[j])[0];
                int t = where.get(at[j])[1];
                if (t >= stepBins[b] && t < stepBins[b + 1]) {
                    bias += q.get(e)[t][piAt.get(e)[t]] - truth[j];
                    tr += truth[j];
                    count++;
                }
            }
            if (count > 0) {
                System.out.printf(
                        "logged t in [%d, %d): %d states, true %.1f, bias %+.1f%n",
                        stepBins[b], stepBins[b + 1], count, tr / count, bias / count);
            }
        }
        double[] valueBins = {0, 50, 150, 300, 450, 501};
        for (int b = 0; b + 1 < valueBins.length; b++) {
            double bias = 0;
            int count = 0;
            for (int j = 0; j < n; j++) {
                if (truth[j] >= valueBins[b] && truth[j] < valueBins[b + 1]) {
                    int e = where.get(at[j])[0];
                    int t = where.get(at[j])[1];
                    bias += q.get(e)[t][piAt.get(e)[t]] - truth[j];
                    count++;
                }
            }
            if (count > 0) {
                System.out.printf(
                        "true value in [%.0f, %.0f): %d states, bias %+.1f%n",
                        valueBins[b], valueBins[b + 1], count, bias / count);
            }
        }
        target.close();
    }
}
