//! What can be wrong in a rulebook, a waiver file or a source profile, each
//! with a stable code that the rendered diagnostic shows and
//! `docs/diagnostics.md` lists with an example.
//!
//! Codes are named by what is wrong, not by where it is found: the YAML
//! reader's problems are the same in any file (`scrutin::yaml::…`), the
//! meaning of a rulebook has its own (`scrutin::rulebook::…`), and so have
//! a waiver file's (`scrutin::waivers::…`) and a profile's
//! (`scrutin::profile::…`). A profile that names a time zone, a kind, a
//! channel, a region or a severity that does not exist makes the same
//! mistake as a rulebook that does, and gets the same code. A code, once
//! published, keeps its meaning; a new mistake gets a new code.

/// Declares the kinds with their codes, and `ALL`: one list, so that no
/// kind goes without a code or missing from `ALL`.
macro_rules! problem_kinds {
    ($($(#[$doc:meta])* $kind:ident => $code:literal,)*) => {
        /// What is wrong in a rulebook, a waiver file or a source profile.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ProblemKind {
            $($(#[$doc])* $kind,)*
        }

        impl ProblemKind {
            /// Every kind, in the order `docs/diagnostics.md` lists them.
            pub const ALL: &[ProblemKind] = &[$(ProblemKind::$kind,)*];

            /// The stable code: `scrutin::yaml::…`, `scrutin::rulebook::…`,
            /// `scrutin::waivers::…` or `scrutin::profile::…`.
            pub fn code(self) -> &'static str {
                match self {
                    $(ProblemKind::$kind => $code,)*
                }
            }
        }
    };
}

problem_kinds! {
    // The YAML of either file.
    /// Not YAML, or more than one document.
    YamlSyntax => "scrutin::yaml::syntax",
    /// A key the file's format does not have.
    UnknownField => "scrutin::yaml::unknown-field",
    /// A key the format requires is not there.
    MissingField => "scrutin::yaml::missing-field",
    /// A key given twice in one mapping.
    DuplicateKey => "scrutin::yaml::duplicate-key",
    /// A value of the wrong type: a list for a text, a text for a flag…
    WrongType => "scrutin::yaml::wrong-type",
    /// Past the reader's limits on nesting, aliases or size.
    TooComplex => "scrutin::yaml::too-complex",

    // How rulebook files build on each other (`extends`, `adjust`).
    /// Files that extend each other in a circle.
    ExtendsCycle => "scrutin::rulebook::extends-cycle",
    /// A chain of `extends` longer than scrutin follows.
    ExtendsTooDeep => "scrutin::rulebook::extends-too-deep",
    /// A file named by `extends` that cannot be read.
    ExtendsUnreadable => "scrutin::rulebook::extends-unreadable",
    /// A kind, channel, region, group or rule defined in two places.
    DefinedTwice => "scrutin::rulebook::defined-twice",
    /// `default_region`, `polls` or `rounds` given by two files.
    GivenTwice => "scrutin::rulebook::given-twice",
    /// One rule adjusted twice in a file.
    AdjustedTwice => "scrutin::rulebook::adjusted-twice",
    /// `adjust` names a rule that no extended file defines.
    AdjustUnknownRule => "scrutin::rulebook::adjust-unknown-rule",
    /// An adjustment without its reason.
    AdjustWithoutReason => "scrutin::rulebook::adjust-without-reason",
    /// An adjustment that both disables and changes a rule, or does neither.
    BadAdjustment => "scrutin::rulebook::bad-adjustment",

    // What the rulebook says.
    /// `id`, `title`, `jurisdiction`, `default_region`, `polls` or `rounds`
    /// given by no file.
    MissingPart => "scrutin::rulebook::missing-part",
    /// No region declared.
    NoRegions => "scrutin::rulebook::no-regions",
    /// An empty list of rounds.
    NoRounds => "scrutin::rulebook::no-rounds",
    /// A time zone that is not an IANA name.
    UnknownZone => "scrutin::rulebook::unknown-zone",
    /// `covers` names a region or a group.
    CoversARegion => "scrutin::rulebook::covers-a-region",
    /// A place covered twice.
    CoveredTwice => "scrutin::rulebook::covered-twice",
    /// A name that is both a region's and a group's.
    RegionAndGroup => "scrutin::rulebook::region-and-group",
    /// A polling hour that is not a time of day.
    BadTime => "scrutin::rulebook::bad-time",
    /// A date that is not a date.
    BadDate => "scrutin::rulebook::bad-date",
    /// A date outside the years windows can reach.
    DateOutOfRange => "scrutin::rulebook::date-out-of-range",
    /// A round's overrides name a region twice.
    OverriddenTwice => "scrutin::rulebook::overridden-twice",
    /// Polls that close no later than they open.
    PollsCloseBeforeOpen => "scrutin::rulebook::polls-close-before-open",
    /// Two rounds with one id.
    DuplicateRound => "scrutin::rulebook::duplicate-round",
    /// A severity other than error, warning or info.
    UnknownSeverity => "scrutin::rulebook::unknown-severity",
    /// A kind the rulebook does not declare.
    UnknownKind => "scrutin::rulebook::unknown-kind",
    /// A channel the rulebook does not declare.
    UnknownChannel => "scrutin::rulebook::unknown-channel",
    /// A region or group the rulebook does not declare.
    UnknownRegion => "scrutin::rulebook::unknown-region",
    /// A round the rulebook does not declare.
    UnknownRound => "scrutin::rulebook::unknown-round",
    /// An `event(NAME)` the election does not name.
    UnknownEvent => "scrutin::rulebook::unknown-event",
    /// A `per` other than `round` or `election`.
    UnknownPer => "scrutin::rulebook::unknown-per",
    /// A citation whose url is not a web address.
    BadCitationUrl => "scrutin::rulebook::bad-citation-url",
    /// A citation without its article or its law.
    MissingCitation => "scrutin::rulebook::missing-citation",
    /// `region`, `tags` or `first_published` used as a single attribute.
    NotAnAttribute => "scrutin::rulebook::not-an-attribute",
    /// A field where it has no effect.
    MisplacedField => "scrutin::rulebook::misplaced-field",
    /// `requires` with no attribute.
    EmptyRequires => "scrutin::rulebook::empty-requires",
    /// A duration (`copies_within`) that cannot be read.
    BadDuration => "scrutin::rulebook::bad-duration",
    /// A `balance` that cannot be read: what it totals, a slot, the tolerance.
    BadBalance => "scrutin::rulebook::bad-balance",
    /// A rule with neither `window` nor `requires`.
    NoBody => "scrutin::rulebook::no-body",
    /// A window anchor that cannot be read.
    BadAnchor => "scrutin::rulebook::bad-anchor",
    /// A window anchor that names no instant in some round or region.
    UnresolvableAnchor => "scrutin::rulebook::unresolvable-anchor",
    /// A window that ends no later than it starts.
    EmptyWindow => "scrutin::rulebook::empty-window",

    // What a waiver file says.
    /// A waiver for a rule the rulebook does not have.
    WaiverUnknownRule => "scrutin::waivers::unknown-rule",
    /// A waiver without its reason.
    WaiverWithoutReason => "scrutin::waivers::missing-reason",
    /// A waiver that matches by none, or by more than one, of its ways.
    WaiverBadMatch => "scrutin::waivers::bad-match",
    /// An `expires` that is not a date.
    WaiverBadDate => "scrutin::waivers::bad-date",

    // What a source profile says.
    /// An `input` other than the formats scrutin reads.
    ProfileUnknownInput => "scrutin::profile::unknown-input",
    /// A time `format` that is neither a known name nor a strftime pattern.
    ProfileUnknownTimeFormat => "scrutin::profile::unknown-time-format",
    /// A strftime pattern that cannot read an instant.
    ProfileBadTimePattern => "scrutin::profile::bad-time-pattern",
    /// A strftime pattern without the `zone` its local times are in.
    ProfilePatternWithoutZone => "scrutin::profile::pattern-without-zone",
    /// `zone` or `overlap` with a format that is not a pattern.
    ProfileZoneWithoutPattern => "scrutin::profile::zone-without-pattern",
    /// An `overlap` other than `earlier` or `later`.
    ProfileUnknownOverlap => "scrutin::profile::unknown-overlap",
    /// A source with both `field` and `value`, or neither.
    ProfileFieldOrValue => "scrutin::profile::field-or-value",
    /// `map`, `default`, `optional` or `classify` where it has no effect.
    ProfileMisplacedOption => "scrutin::profile::misplaced-option",
    /// `kind`, `timestamp` or `first_published` under `fields`.
    ProfileReservedField => "scrutin::profile::reserved-field",
    /// An attribute named almost as a publication field (`outlett`).
    ProfileMisspeltField => "scrutin::profile::misspelt-field",
    /// An attribute name a log line could not write.
    ProfileBadAttributeKey => "scrutin::profile::bad-attribute-key",
    /// No `outlet` under `fields`.
    ProfileNoOutlet => "scrutin::profile::no-outlet",
    /// A `kind` that gives no kind: no `field`, no `value`, no `classify`.
    ProfileNoKind => "scrutin::profile::no-kind",
    /// An empty `in`: classification that looks at no field.
    ProfileEmptyIn => "scrutin::profile::empty-in",
    /// A classification rule with no keywords, lists or pattern.
    ProfileEmptyRule => "scrutin::profile::empty-rule",
    /// An empty keyword, which every text holds.
    ProfileEmptyKeyword => "scrutin::profile::empty-keyword",
    /// A keyword list scrutin does not ship.
    ProfileUnknownList => "scrutin::profile::unknown-list",
    /// A classification pattern that is not a regular expression, or too large a one.
    ProfileBadRegex => "scrutin::profile::bad-regex",
}
