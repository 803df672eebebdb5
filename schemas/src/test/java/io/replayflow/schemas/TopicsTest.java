package io.replayflow.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class TopicsTest {

    @Test
    void defaultsAreTheFixedNames() {
        assertThat(Topics.defaults().all())
                .containsExactly(
                        "rf.transitions",
                        "rf.transitions.dlq",
                        "rf.transitions.clean",
                        "rf.episodes",
                        "rf.episodes.stats",
                        "rf.priorities",
                        "rf.policies",
                        "rf.decisions",
                        "rf.outcomes",
                        "rf.policy.assignments",
                        "rf.policy.assignments.history",
                        "rf.policy.failures");
    }

    @Test
    void onlyThePolicyKeyedTopicsAreCompacted() {
        Topics topics = Topics.defaults();
        assertThat(topics.all().stream().filter(topics::compacted))
                .containsExactly("rf.policies", "rf.policy.assignments");
    }

    @Test
    void prefixReplacesRf() {
        assertThat(Topics.withPrefix("team-a.").policies()).isEqualTo("team-a.policies");
    }

    @Test
    void illegalPrefixNamesTheRule() {
        assertThatThrownBy(() -> Topics.withPrefix("rf/"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'rf/'")
                .hasMessageContaining("use only letters, digits");
    }
}
