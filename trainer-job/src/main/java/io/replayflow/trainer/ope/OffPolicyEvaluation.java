package io.replayflow.trainer.ope;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.replayflow.trainer.TrainerConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Evaluates a target policy on logged episodes with the chosen estimators: the target's greedy
 * action in every logged state, so {@code pi(a_t|s_t)} is 1 or 0 for the greedy target, or {@code 1
 * - epsilon + epsilon/|A|} or {@code epsilon/|A|} for its epsilon-soft version (then every logged
 * episode keeps a nonzero importance weight; the value estimated is the soft policy's), FQE fitted
 * on every logged transition when {@code fqe} or {@code dr} is asked for, then each estimator with
 * its bootstrap interval, and the support diagnostics.
 *
 * <p>FQE's regression treats truncation like termination (no bootstrap past the logged horizon):
 * the value estimated is the return within the logged episode length, as {@code evaluate} measures
 * it.
 */
public final class OffPolicyEvaluation {

    /** Every estimator, in the order reported. */
    public static final List<String> METHODS = List.of("pdis", "wpdis", "fqe", "dr");

    /**
     * @param gamma discount of the estimated return (1: the undiscounted return {@code evaluate}
     *     reports)
     * @param methods a non-empty subset of {@link #METHODS}
     * @param fqe network, optimizer and batch of FQE's regression
     * @param fqeSteps FQE gradient steps
     * @param resamples bootstrap resamples
     * @param confidence interval coverage, in (0, 1)
     * @param seed seed of FQE's minibatches and of the bootstrap draws
     * @param tinyProbability a behaviour probability below this where the target acts is reported
     * @param targetEpsilon 0 evaluates the artifact's greedy policy; {@code epsilon > 0} evaluates
     *     its epsilon-soft version {@code pi(a|s) = (1 - epsilon) [a = greedy(s)] + epsilon / |A|},
     *     whose importance weights are nonzero on every logged episode
     * @param fqeTrace FQE regresses on Retrace(1) multi-step targets ({@link TraceTargets}) for a
     *     greedy target; false: one-step targets (an epsilon-soft target always uses one-step)
     * @param fqeFits independently initialised FQE fits whose Q-values are averaged (an ensemble,
     *     Lakshminarayanan, Pritzel and Blundell, "Deep Ensembles", NeurIPS 2017): the fitted value
     *     of a long-horizon regression varies from one initialisation and minibatch order to the
     *     next, and the mean of K fits has about 1/K of that variance; each fit costs {@code
     *     fqeSteps}. The interval of fqe and dr resamples the fits as well as the episodes ({@link
     *     Bootstrap#estimateOverFits}), so it widens when the fits disagree
     * @param fqeIterates each fit's Q-values are the mean of this many iterates evenly spaced over
     *     its last quarter of steps ({@link FittedQEvaluation#iterateSteps}); 1: the last network
     * @param fqeActionInput FQE's network reads the action, one-hot beside the observation, and its
     *     first output is {@code Q(s, a)} (Riedmiller, "Neural Fitted Q Iteration", ECML 2005; the
     *     other outputs are neither trained nor read: the trainer's graph wants two or more),
     *     instead of one output per action: the bootstrap {@code Q(s_m, pi(s_m))} is always at an
     *     action the log did not take at {@code s_m}, and a separate output for it learns only from
     *     the few states where the behaviour took it, elsewhere staying near its initial value
     *     (about 0: an underestimate); with the action as an input it generalises from the logged
     *     action in the same state
     * @param fqeHistory for a greedy target, FQE regresses only on the logged steps whose previous
     *     {@code fqeHistory} logged actions (all of them, early in an episode) were the target's:
     *     states as the target reaches them ({@link #onTargetPath}); 0: every logged step. The
     *     regression's error falls where its rows are, and the direct-method estimate needs the
     *     values right along the target's own path: on the whole log, FQE averages each state's
     *     value with nearby logged states the target would not be in, and every bootstrap along the
     *     path adds that error (docs/ALGORITHMS.md, the OPE diagnosis). Keeping the rows whose
     *     recent history the target shares is a truncated form of weighting the regression by the
     *     target's state distribution (Liu, Li, Tang and Zhou, "Breaking the Curse of Horizon",
     *     NeurIPS 2018; for FQE, Uehara, Huang and Jiang, ICML 2020), with the weights {@code prod
     *     pi/mu} over the window replaced by 1 where they are nonzero
     */
    public record Settings(
            double gamma,
            Set<String> methods,
            TrainerConfig fqe,
            long fqeSteps,
            int resamples,
            double confidence,
            long seed,
            double tinyProbability,
            double targetEpsilon,
            boolean fqeTrace,
            int fqeFits,
            int fqeIterates,
            boolean fqeActionInput,
            int fqeHistory) {

        /**
         * Settings with {@code replayflow ope}'s defaults (every method, gamma 1, 40,000 FQE steps
         * on the trainer's default network, 200 resamples at 95 %, seed 0, tiny probability 0.01,
         * the greedy target, Retrace targets, 3 fits of 8 iterates, action-input Q, every logged
         * step), each changed by name.
         *
         * <pre>{@code
         * Settings s = Settings.builder().methods(Set.of("fqe")).fqeSteps(1500).fqeFits(1).build();
         * }</pre>
         */
        public static Builder builder() {
            return new Builder();
        }

        /**
         * Builds {@link Settings}; {@link #build} checks every value and names the flag at fault.
         */
        public static final class Builder {
            private double gamma = 1.0;
            private Set<String> methods = Set.copyOf(METHODS);
            private TrainerConfig fqe;
            private long fqeSteps = 40_000;
            private int resamples = 200;
            private double confidence = 0.95;
            private long seed;
            private double tinyProbability = 0.01;
            private double targetEpsilon;
            private boolean fqeTrace = true;
            private int fqeFits = 3;
            private int fqeIterates = 8;
            private boolean fqeActionInput = true;
            private int fqeHistory;

            private Builder() {}

            public Builder gamma(double gamma) {
                this.gamma = gamma;
                return this;
            }

            public Builder methods(Set<String> methods) {
                this.methods = methods;
                return this;
            }

            /** FQE's network, optimizer and batch; the trainer's defaults when not set. */
            public Builder fqe(TrainerConfig fqe) {
                this.fqe = fqe;
                return this;
            }

            public Builder fqeSteps(long fqeSteps) {
                this.fqeSteps = fqeSteps;
                return this;
            }

            public Builder resamples(int resamples) {
                this.resamples = resamples;
                return this;
            }

            public Builder confidence(double confidence) {
                this.confidence = confidence;
                return this;
            }

            public Builder seed(long seed) {
                this.seed = seed;
                return this;
            }

            public Builder tinyProbability(double tinyProbability) {
                this.tinyProbability = tinyProbability;
                return this;
            }

            public Builder targetEpsilon(double targetEpsilon) {
                this.targetEpsilon = targetEpsilon;
                return this;
            }

            public Builder fqeTrace(boolean fqeTrace) {
                this.fqeTrace = fqeTrace;
                return this;
            }

            public Builder fqeFits(int fqeFits) {
                this.fqeFits = fqeFits;
                return this;
            }

            public Builder fqeIterates(int fqeIterates) {
                this.fqeIterates = fqeIterates;
                return this;
            }

            public Builder fqeActionInput(boolean fqeActionInput) {
                this.fqeActionInput = fqeActionInput;
                return this;
            }

            public Builder fqeHistory(int fqeHistory) {
                this.fqeHistory = fqeHistory;
                return this;
            }

            /**
             * @throws IllegalArgumentException naming the flag whose value is out of range
             */
            public Settings build() {
                return new Settings(
                        gamma,
                        methods,
                        fqe != null ? fqe : TrainerConfig.defaults(),
                        fqeSteps,
                        resamples,
                        confidence,
                        seed,
                        tinyProbability,
                        targetEpsilon,
                        fqeTrace,
                        fqeFits,
                        fqeIterates,
                        fqeActionInput,
                        fqeHistory);
            }
        }

        public Settings {
            if (!(gamma > 0 && gamma <= 1)) {
                throw new IllegalArgumentException(
                        "--gamma "
                                + gamma
                                + " is outside (0, 1]; 1 estimates the undiscounted return");
            }
            methods = Set.copyOf(methods);
            if (methods.isEmpty() || !METHODS.containsAll(methods)) {
                throw new IllegalArgumentException(
                        "--methods " + methods + ": choose among " + String.join(",", METHODS));
            }
            Objects.requireNonNull(fqe, "fqe");
            if (fqeSteps < 1) {
                throw new IllegalArgumentException(
                        "--fqe-steps " + fqeSteps + " must be positive, e.g. 20000");
            }
            if (fqeFits < 1) {
                throw new IllegalArgumentException(
                        "--fqe-fits " + fqeFits + " must be at least 1, e.g. 3");
            }
            if (fqeIterates < 1) {
                throw new IllegalArgumentException(
                        "--fqe-iterates " + fqeIterates + " must be at least 1, e.g. 8");
            }
            if (fqeHistory < 0) {
                throw new IllegalArgumentException(
                        "--fqe-history "
                                + fqeHistory
                                + " must be at least 0 (0: every logged step), e.g. 5");
            }
            if (resamples < 10) {
                throw new IllegalArgumentException(
                        "--bootstrap-resamples "
                                + resamples
                                + " is too few; use at least 10 (e.g. 200)");
            }
            if (!(confidence > 0 && confidence < 1)) {
                throw new IllegalArgumentException(
                        "--confidence " + confidence + " is outside (0, 1); e.g. 0.95");
            }
            if (!(targetEpsilon >= 0 && targetEpsilon < 1)) {
                throw new IllegalArgumentException(
                        "--target-epsilon "
                                + targetEpsilon
                                + " is outside [0, 1); 0 evaluates the greedy policy, e.g. 0.05"
                                + " its epsilon-soft version");
            }
        }

        /** {@code pi(a|s)} of the evaluated policy when its greedy action is {@code greedy}. */
        double targetProbability(int a, int greedy, int numActions) {
            double explore = targetEpsilon / numActions;
            return a == greedy ? 1 - targetEpsilon + explore : explore;
        }
    }

    /**
     * @param estimates by method, in {@link #METHODS} order
     * @param episodes logged episodes used
     * @param transitions logged steps used
     * @param supportedEpisodes episodes whose every action is the target's (nonzero weight)
     * @param targetActs logged steps where the behaviour took the target's action
     * @param tinyWhereTargetActs of those, steps with a behaviour probability below the threshold
     * @param minBehaviorProbWhereTargetActs the smallest such probability (NaN when none)
     * @param targetEpsilon the evaluated policy's epsilon (0: greedy)
     * @param fqeBackups Bellman backups FQE's target network went through (0 without FQE)
     * @param warnings support problems, in words
     */
    public record Report(
            Map<String, OpeEstimate> estimates,
            int episodes,
            long transitions,
            int supportedEpisodes,
            long targetActs,
            long tinyWhereTargetActs,
            double minBehaviorProbWhereTargetActs,
            double targetEpsilon,
            double fqeBackups,
            List<String> warnings) {

        /**
         * {@code {"estimates": {"fqe": {"value": v, "low": l, "high": h, "ess": n}, ...},
         * "episodes": n, ...}}: the last line of {@code replayflow ope --json}; with several FQE
         * fits, fqe and dr also hold {@code "fits": [v1, ...]}, each fit's estimate.
         */
        public String toJson(String policy) {
            Map<String, Object> est = new LinkedHashMap<>();
            estimates.forEach(
                    (m, e) -> {
                        Map<String, Object> one = new LinkedHashMap<>();
                        one.put("value", finite(e.value()));
                        one.put("low", finite(e.low()));
                        one.put("high", finite(e.high()));
                        one.put("ess", finite(e.ess()));
                        if (!e.fits().isEmpty()) {
                            one.put("fits", e.fits().stream().map(Report::finite).toList());
                        }
                        est.put(m, one);
                    });
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("estimates", est);
            out.put("policy", policy);
            out.put("episodes", episodes);
            out.put("transitions", transitions);
            out.put("supported_episodes", supportedEpisodes);
            out.put("target_acts", targetActs);
            out.put("tiny_behavior_prob_where_target_acts", tinyWhereTargetActs);
            out.put("min_behavior_prob_where_target_acts", finite(minBehaviorProbWhereTargetActs));
            out.put("target_epsilon", targetEpsilon);
            out.put("fqe_backups", fqeBackups);
            out.put("warnings", warnings);
            try {
                return JSON.writeValueAsString(out);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        private static Double finite(double x) {
            return Double.isFinite(x) ? x : null;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private OffPolicyEvaluation() {}

    public static Report run(
            List<LoggedSteps> logged,
            int obsDim,
            int numActions,
            TargetPolicy target,
            Settings settings) {
        if (logged.isEmpty()) {
            throw new IllegalArgumentException("no complete logged episode to evaluate on");
        }
        List<int[]> piAt = new ArrayList<>();
        List<int[]> piNext = new ArrayList<>();
        long transitions = 0;
        int longest = 0;
        for (LoggedSteps e : logged) {
            piAt.add(target.act(e.obs(), e.length()));
            piNext.add(target.act(e.nextObs(), e.length()));
            transitions += e.length();
            longest = Math.max(longest, e.length());
        }
        List<List<float[][]>> q = List.of();
        boolean model = settings.methods().contains("fqe") || settings.methods().contains("dr");
        double backups = 0;
        if (model) {
            q = fitFqe(logged, piAt, piNext, obsDim, numActions, settings);
            backups = backups(settings);
        }
        int fits = model ? q.size() : 1;
        List<List<LoggedEpisode>> perFit = new ArrayList<>();
        for (int f = 0; f < fits; f++) {
            perFit.add(new ArrayList<>());
        }
        long targetActs = 0;
        long tiny = 0;
        double minMu = Double.NaN;
        for (int i = 0; i < logged.size(); i++) {
            LoggedSteps e = logged.get(i);
            int n = e.length();
            double[] r = new double[n];
            double[] mu = new double[n];
            double[] pi = new double[n];
            double[][] mq = new double[fits][];
            double[][] mv = new double[fits][];
            for (int f = 0; model && f < fits; f++) {
                mq[f] = new double[n];
                mv[f] = new double[n];
            }
            for (int t = 0; t < n; t++) {
                int greedy = piAt.get(i)[t];
                r[t] = e.reward()[t];
                mu[t] = e.behaviorProb()[t];
                pi[t] = settings.targetProbability(e.action()[t], greedy, numActions);
                if (e.action()[t] == greedy) {
                    targetActs++;
                    minMu = Double.isNaN(minMu) ? mu[t] : Math.min(minMu, mu[t]);
                    if (mu[t] < settings.tinyProbability()) {
                        tiny++;
                    }
                }
                for (int f = 0; model && f < fits; f++) {
                    float[] qs = q.get(f).get(i)[t];
                    mq[f][t] = qs[e.action()[t]];
                    for (int a = 0; a < numActions; a++) {
                        mv[f][t] += settings.targetProbability(a, greedy, numActions) * qs[a];
                    }
                }
            }
            for (int f = 0; f < fits; f++) {
                perFit.get(f).add(new LoggedEpisode(r, mu, pi, mq[f], mv[f]));
            }
        }
        List<LoggedEpisode> episodes = perFit.get(0);
        Map<String, OpeEstimate> estimates = new LinkedHashMap<>();
        Bootstrap bootstrap =
                new Bootstrap(
                        settings.resamples(),
                        settings.confidence(),
                        new SplittableRandom(settings.seed() + 1));
        for (String method : METHODS) {
            if (settings.methods().contains(method)) {
                boolean usesModel = method.equals("fqe") || method.equals("dr");
                estimates.put(
                        method,
                        bootstrap.estimateOverFits(
                                estimator(method),
                                usesModel ? perFit : List.of(episodes),
                                settings.gamma()));
            }
        }
        int supported = (int) episodes.stream().filter(e -> e.weight() > 0).count();
        List<String> warnings =
                warnings(episodes.size(), supported, targetActs, tiny, minMu, settings);
        if (model) {
            fqeHorizonWarning(backups, longest, settings).ifPresent(warnings::add);
        }
        return new Report(
                estimates,
                episodes.size(),
                transitions,
                supported,
                targetActs,
                tiny,
                minMu,
                settings.targetEpsilon(),
                backups,
                warnings);
    }

    /**
     * Bellman backups of FQE: each hard target update (every {@code trainer.target.update-period}
     * steps) is one; a soft update with {@code tau} moves the target a fraction {@code tau} of the
     * way, so counts {@code tau}.
     */
    static double backups(Settings settings) {
        TrainerConfig c = settings.fqe();
        return (double) (settings.fqeSteps() / c.targetUpdatePeriod()) * c.targetTau();
    }

    /**
     * FQE's value after {@code K} backups is the {@code K}-step value: with rewards 1 per step (as
     * CartPole) it cannot exceed about {@code K} however good the target. It needs as many backups
     * as the horizon it must see: the longest logged episode for {@code gamma = 1}, three time
     * constants {@code 3 / (1 - gamma)} (95%) otherwise.
     */
    static java.util.Optional<String> fqeHorizonWarning(
            double backups, int longest, Settings settings) {
        double needed =
                settings.gamma() == 1 ? longest : Math.min(longest, 3 / (1 - settings.gamma()));
        if (backups >= needed) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(
                String.format(
                        Locale.ROOT,
                        "fqe ran %.0f Bellman backups (--fqe-steps / trainer.target.update-period"
                                + " x trainer.target.tau) but needs about %.0f to see the"
                                + " horizon: its values are cut short at about %.0f steps; raise"
                                + " --fqe-steps or lower trainer.target.update-period",
                        backups,
                        needed,
                        backups));
    }

    private static OpeEstimator estimator(String method) {
        return switch (method) {
            case "pdis" -> new PerDecisionIs();
            case "wpdis" -> new WeightedPerDecisionIs();
            case "dr" -> new DoublyRobust();
            case "fqe" -> new DirectMethod();
            default -> throw new IllegalArgumentException("unknown method " + method);
        };
    }

    /**
     * FQE on every logged transition. The next action is the target's: its greedy action, or for an
     * epsilon-soft target one drawn from {@code pi(.|s')} (a sampled SARSA target whose expectation
     * is {@code sum_a pi(a|s') Q(s', a)}). For a greedy target (with {@code fqeTrace}) each row's
     * target runs along the logged steps for as long as they follow the target and bootstraps where
     * they stop ({@link TraceTargets}). Rewards are divided by {@code H max|r|}, the bound on any
     * return within the logged horizon, and the fitted values multiplied back, so the network
     * regresses values in [-1, 1] whatever the horizon (a return of 500 at lr 5e-4 would take most
     * of the steps just to reach its scale); the bootstrap value is clipped to the range every
     * return lies in, {@code [H min(0, min r), H max(0, max r)]} (see {@link
     * io.replayflow.trainer.algo.FqeLoss}), so with rewards that are never negative no value below
     * 0 is bootstrapped. The network's input is the observation and the time in the episode {@code
     * t / H} ({@code H} the longest logged episode): with a time limit the return still to come
     * depends on {@code t}, which the observation does not show, and without it the undiscounted
     * regression has no fixed point for a policy that never fails.
     */
    private static List<List<float[][]>> fitFqe(
            List<LoggedSteps> logged,
            List<int[]> piAt,
            List<int[]> piNext,
            int d,
            int numActions,
            Settings settings) {
        int rows = logged.stream().mapToInt(LoggedSteps::length).sum();
        int horizon = logged.stream().mapToInt(LoggedSteps::length).max().orElse(1);
        boolean actionInput = settings.fqeActionInput();
        int dt = d + 1 + (actionInput ? numActions : 0);
        float[] obs = new float[rows * dt];
        float[] next = new float[rows * dt];
        int[] action = new int[rows];
        int[] nextAction = new int[rows];
        float[] reward = new float[rows];
        float[] discount = new float[rows];
        double maxAbs = 0;
        double minReward = 0;
        double maxReward = 0;
        for (LoggedSteps e : logged) {
            for (float r : e.reward()) {
                maxAbs = Math.max(maxAbs, Math.abs(r));
                minReward = Math.min(minReward, r);
                maxReward = Math.max(maxReward, r);
            }
        }
        // every return within the logged horizon lies in [H min(0, min r), H max(0, max r)], in
        // these units within [-1, 1]
        double scale = maxAbs == 0 ? 1 : horizon * maxAbs;
        float low = maxAbs == 0 ? -1f : (float) (minReward / maxAbs);
        float high = maxAbs == 0 ? 1f : (float) (maxReward / maxAbs);
        if (low == high) {
            low -= 1f;
            high += 1f;
        }
        boolean trace = settings.fqeTrace() && settings.targetEpsilon() == 0;
        SplittableRandom explore = new SplittableRandom(settings.seed() + 2);
        int k = 0;
        for (int i = 0; i < logged.size(); i++) {
            LoggedSteps e = logged.get(i);
            int n = e.length();
            for (int t = 0; t < n; t++) {
                int a = e.action()[t];
                row(obs, k + t, dt, e.obs(), t, d, (float) t / horizon, actionInput ? a : -1);
                action[k + t] = actionInput ? 0 : a;
            }
            boolean[] end = new boolean[n];
            for (int t = 0; t < n; t++) {
                end[t] = e.terminated()[t] || e.truncated()[t];
            }
            TraceTargets targets =
                    TraceTargets.of(
                            e.reward(), e.action(), piAt.get(i), end, settings.gamma(), trace);
            for (int t = 0; t < n; t++) {
                int m = targets.bootstrapRow()[t];
                int piM = piNext.get(i)[m];
                if (settings.targetEpsilon() > 0
                        && explore.nextDouble() < settings.targetEpsilon()) {
                    piM = explore.nextInt(numActions);
                }
                float time = (float) (m + 1) / horizon;
                row(next, k + t, dt, e.nextObs(), m, d, time, actionInput ? piM : -1);
                nextAction[k + t] = actionInput ? 0 : piM;
                reward[k + t] = (float) (targets.reward()[t] / scale);
                discount[k + t] = (float) targets.discount()[t];
            }
            k += n;
        }
        FqeData all = new FqeData(obs, action, reward, discount, next, nextAction, dt);
        FqeData data = all;
        if (settings.fqeHistory() > 0 && settings.targetEpsilon() == 0) {
            boolean[] keep = new boolean[rows];
            int at = 0;
            for (int i = 0; i < logged.size(); i++) {
                LoggedSteps e = logged.get(i);
                boolean[] onPath = onTargetPath(e.action(), piAt.get(i), settings.fqeHistory());
                System.arraycopy(onPath, 0, keep, at, onPath.length);
                at += onPath.length;
            }
            data = all.select(keep);
        }
        // the logged states as the network reads them: once, or once per action
        float[][] in = new float[actionInput ? numActions : 1][rows * dt];
        for (int a = 0; a < in.length; a++) {
            int at = 0;
            for (LoggedSteps e : logged) {
                for (int t = 0; t < e.length(); t++) {
                    row(in[a], at++, dt, e.obs(), t, d, (float) t / horizon, actionInput ? a : -1);
                }
            }
        }
        int fits = settings.fqeFits();
        int iterates = settings.fqeIterates();
        List<List<float[][]>> out = new ArrayList<>(fits);
        for (int f = 0; f < fits; f++) {
            List<float[][]> q = new ArrayList<>(logged.size());
            for (LoggedSteps e : logged) {
                q.add(new float[e.length()][numActions]);
            }
            out.add(q);
            TrainerConfig config =
                    f == 0
                            ? settings.fqe()
                            : settings.fqe().with("trainer.seed", settings.fqe().seed() + f);
            // each iterate adds its share of the values to q as the fit goes
            FittedQEvaluation.fit(
                            config,
                            data,
                            numActions,
                            settings.fqeSteps(),
                            new SplittableRandom(settings.seed() + 7919L * f),
                            low,
                            high,
                            iterates,
                            iterate -> {
                                for (int a = 0; a < in.length; a++) {
                                    addValues(
                                            iterate.q(in[a], rows),
                                            scale / iterates,
                                            q,
                                            actionInput ? a : -1);
                                }
                            })
                    .close();
        }
        return out;
    }

    /**
     * Which steps of one logged episode the target reaches as it would: step {@code t} when the
     * logged actions at steps {@code max(0, t - history)} to {@code t - 1} were all the target's
     * (step 0 always). E.g. actions 1, 1, 0, 1, 1, 1 against the target's 1 everywhere, history 2:
     * steps 0, 1, 2 (their previous two actions, as far as they go, were 1), not 3 (step 2 left the
     * target) nor 4 (step 2 is within its window), step 5 again.
     */
    static boolean[] onTargetPath(int[] action, int[] targetAction, int history) {
        boolean[] out = new boolean[action.length];
        int followed = 0; // consecutive steps just before t that took the target's action
        for (int t = 0; t < action.length; t++) {
            out[t] = followed >= Math.min(history, t);
            followed = action[t] == targetAction[t] ? followed + 1 : 0;
        }
        return out;
    }

    /**
     * Adds {@code values} (every logged row in order) times {@code factor} to {@code q}: all
     * actions' values ({@code action < 0}), or the one output of an action-input network to that
     * action's.
     */
    private static void addValues(float[][] values, double factor, List<float[][]> q, int action) {
        int row = 0;
        for (float[][] episode : q) {
            for (float[] step : episode) {
                float[] v = values[row++];
                if (action >= 0) {
                    step[action] += (float) (v[0] * factor);
                } else {
                    for (int a = 0; a < step.length; a++) {
                        step[a] += (float) (v[a] * factor);
                    }
                }
            }
        }
    }

    /**
     * Writes row {@code at} of the network's input, {@code width} wide: observation {@code from} of
     * {@code obs} ({@code d} values), its time in the episode, and (for {@code action >= 0}) the
     * action one-hot.
     */
    private static void row(
            float[] out, int at, int width, float[] obs, int from, int d, float time, int action) {
        System.arraycopy(obs, from * d, out, at * width, d);
        out[at * width + d] = time;
        if (action >= 0) {
            out[at * width + d + 1 + action] = 1f;
        }
    }

    private static List<String> warnings(
            int episodes,
            int supported,
            long targetActs,
            long tiny,
            double minMu,
            Settings settings) {
        List<String> out = new ArrayList<>();
        if (supported == 0) {
            out.add(
                    "no logged episode takes the target's action at every step: the importance"
                            + " weights are all 0, so pdis, wpdis and dr's correction have no"
                            + " support; log with more exploration around the target or trust fqe"
                            + " only");
        } else if (supported < Math.max(10, episodes / 100)) {
            out.add(
                    String.format(
                            Locale.ROOT,
                            "only %d of %d logged episodes follow the target throughout: the"
                                    + " importance-sampling estimates rest on very few episodes",
                            supported,
                            episodes));
        }
        if (tiny > 0) {
            out.add(
                    String.format(
                            Locale.ROOT,
                            "%d of %d logged steps where the target acts have behavior_prob below"
                                    + " %.3g (smallest %.3g): the behaviour hardly supports the"
                                    + " target there and the weights explode",
                            tiny,
                            targetActs,
                            settings.tinyProbability(),
                            minMu));
        }
        return out;
    }
}
