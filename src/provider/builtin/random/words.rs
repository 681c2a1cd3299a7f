//! Word lists for `random_pet`: adverbs, adjectives and animal names, lower-case ASCII so the
//! names fit wherever identifiers go. Written for infractl (not Terraform's lists), so names
//! differ from Terraform's but have the same shape.

/// Adverbs, for names of three words or more.
pub const ADVERBS: &[&str] = &[
    "ably", "amply", "aptly", "boldly", "briefly", "brightly", "briskly", "calmly", "cheerfully", "cleanly",
    "clearly", "closely", "deeply", "deftly", "eagerly", "easily", "evenly", "fairly", "finely", "firmly",
    "freely", "fully", "gently", "gladly", "gracefully", "happily", "highly", "honestly", "humbly", "jointly",
    "keenly", "kindly", "lightly", "lively", "loudly", "merrily", "mildly", "neatly", "nicely", "openly",
    "politely", "promptly", "proudly", "quickly", "quietly", "rapidly", "readily", "really", "safely",
    "sharply", "simply", "slowly", "smoothly", "softly", "solidly", "steadily", "strongly", "subtly",
    "surely", "swiftly", "tenderly", "truly", "vastly", "warmly", "wildly", "wisely",
];

/// Adjectives, before the animal.
pub const ADJECTIVES: &[&str] = &[
    "able", "amber", "ample", "apt", "azure", "bold", "brave", "bright", "brisk", "busy", "calm", "candid",
    "casual", "civil", "clear", "clever", "cosmic", "cozy", "crisp", "curious", "daring", "dear", "deft",
    "eager", "early", "easy", "epic", "exact", "fair", "fancy", "fast", "fine", "firm", "fit", "fluent",
    "fond", "frank", "free", "fresh", "gentle", "glad", "golden", "grand", "happy", "hardy", "honest",
    "humble", "ideal", "jolly", "just", "keen", "kind", "large", "lively", "loyal", "lucky", "merry",
    "mighty", "modern", "modest", "neat", "nice", "noble", "open", "patient", "polite", "proud", "quick",
    "quiet", "rapid", "ready", "regal", "robust", "rosy", "safe", "sharp", "shiny", "silent", "simple",
    "sleek", "smart", "smooth", "snug", "solid", "steady", "stellar", "still", "sturdy", "sunny", "super",
    "sweet", "swift", "tidy", "true", "valid", "vast", "vital", "vivid", "warm", "wise", "witty", "zesty",
];

/// Animal names, last.
pub const NAMES: &[&str] = &[
    "aardvark", "albatross", "alpaca", "antelope", "badger", "barracuda", "beaver", "bison", "bobcat",
    "buffalo", "camel", "caribou", "cheetah", "chipmunk", "cobra", "condor", "cougar", "coyote", "crane",
    "cricket", "dingo", "dolphin", "donkey", "dove", "dragonfly", "eagle", "egret", "elk", "falcon",
    "ferret", "finch", "flamingo", "fox", "gazelle", "gecko", "gibbon", "giraffe", "gopher", "gorilla",
    "grouse", "hamster", "hare", "hawk", "hedgehog", "heron", "hippo", "hornet", "husky", "ibex", "ibis",
    "iguana", "impala", "jackal", "jaguar", "kestrel", "kiwi", "koala", "krill", "lemur", "leopard",
    "lion", "llama", "lobster", "lynx", "macaw", "magpie", "mallard", "manatee", "marmot", "meerkat",
    "mink", "mole", "moose", "narwhal", "newt", "ocelot", "octopus", "orca", "osprey", "otter", "owl",
    "panda", "panther", "parrot", "pelican", "penguin", "puffin", "puma", "quail", "rabbit", "raccoon",
    "raven", "reindeer", "robin", "salmon", "seal", "shrew", "skunk", "sparrow", "squid", "stork",
    "swan", "tapir", "tiger", "toucan", "trout", "turtle", "urchin", "viper", "vulture", "walrus",
    "weasel", "whale", "wolf", "wombat", "wren", "yak", "zebra",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_lower_case_letters_without_repeats() {
        for list in [ADVERBS, ADJECTIVES, NAMES] {
            let mut seen = std::collections::HashSet::new();
            for w in list {
                assert!(w.chars().all(|c| c.is_ascii_lowercase()), "{w}");
                assert!(seen.insert(*w), "{w} repeats");
            }
        }
    }
}
