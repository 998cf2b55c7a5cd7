//! What can be wrong in a rulebook or a waiver file, each with a stable code
//! that the rendered diagnostic shows and `docs/diagnostics.md` lists with an
//! example.
//!
//! Codes are named by what is wrong, not by where it is found: the YAML
//! reader's problems are the same in either file (`scrutin::yaml::…`), the
//! meaning of a rulebook has its own (`scrutin::rulebook::…`), and so has
//! a waiver file's (`scrutin::waivers::…`). A code, once published, keeps
//! its meaning; a new mistake gets a new code.

/// What is wrong in a rulebook or a waiver file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProblemKind {
    // The YAML of either file.
    /// Not YAML, or more than one document.
    YamlSyntax,
    /// A key the file's format does not have.
    UnknownField,
    /// A key the format requires is not there.
    MissingField,
    /// A key given twice in one mapping.
    DuplicateKey,
    /// A value of the wrong type: a list for a text, a text for a flag…
    WrongType,
    /// Past the reader's limits on nesting, aliases or size.
    TooComplex,

    // How rulebook files build on each other (`extends`, `adjust`).
    /// Files that extend each other in a circle.
    ExtendsCycle,
    /// A chain of `extends` longer than scrutin follows.
    ExtendsTooDeep,
    /// A file named by `extends` that cannot be read.
    ExtendsUnreadable,
    /// A kind, channel, region, group or rule defined in two places.
    DefinedTwice,
    /// `default_region`, `polls` or `rounds` given by two files.
    GivenTwice,
    /// One rule adjusted twice in a file.
    AdjustedTwice,
    /// `adjust` names a rule that no extended file defines.
    AdjustUnknownRule,
    /// An adjustment without its reason.
    AdjustWithoutReason,
    /// An adjustment that both disables and changes a rule, or does neither.
    BadAdjustment,

    // What the rulebook says.
    /// `id`, `title`, `jurisdiction`, `default_region`, `polls` or `rounds`
    /// given by no file.
    MissingPart,
    /// No region declared.
    NoRegions,
    /// An empty list of rounds.
    NoRounds,
    /// A time zone that is not an IANA name.
    UnknownZone,
    /// `covers` names a region or a group.
    CoversARegion,
    /// A place covered twice.
    CoveredTwice,
    /// A name that is both a region's and a group's.
    RegionAndGroup,
    /// A polling hour that is not a time of day.
    BadTime,
    /// A date that is not a date.
    BadDate,
    /// A date outside the years windows can reach.
    DateOutOfRange,
    /// A round's overrides name a region twice.
    OverriddenTwice,
    /// Polls that close no later than they open.
    PollsCloseBeforeOpen,
    /// Two rounds with one id.
    DuplicateRound,
    /// A severity other than error, warning or info.
    UnknownSeverity,
    /// A kind the rulebook does not declare.
    UnknownKind,
    /// A channel the rulebook does not declare.
    UnknownChannel,
    /// A region or group the rulebook does not declare.
    UnknownRegion,
    /// A round the rulebook does not declare.
    UnknownRound,
    /// A `per` other than `round` or `election`.
    UnknownPer,
    /// A citation whose url is not a web address.
    BadCitationUrl,
    /// A citation without its article or its law.
    MissingCitation,
    /// `region`, `tags` or `first_published` used as a single attribute.
    NotAnAttribute,
    /// A field where it has no effect.
    MisplacedField,
    /// `requires` with no attribute.
    EmptyRequires,
    /// A rule with both `window` and `requires`.
    TwoBodies,
    /// A rule with neither `window` nor `requires`.
    NoBody,
    /// A window anchor that cannot be read.
    BadAnchor,
    /// A window anchor that names no instant in some round or region.
    UnresolvableAnchor,
    /// A window that ends no later than it starts.
    EmptyWindow,

    // What a waiver file says.
    /// A waiver for a rule the rulebook does not have.
    WaiverUnknownRule,
    /// A waiver without its reason.
    WaiverWithoutReason,
    /// A waiver that matches by none, or by more than one, of its ways.
    WaiverBadMatch,
    /// An `expires` that is not a date.
    WaiverBadDate,
}

impl ProblemKind {
    /// Every kind, in the order `docs/diagnostics.md` lists them.
    pub const ALL: [ProblemKind; 48] = [
        ProblemKind::YamlSyntax,
        ProblemKind::UnknownField,
        ProblemKind::MissingField,
        ProblemKind::DuplicateKey,
        ProblemKind::WrongType,
        ProblemKind::TooComplex,
        ProblemKind::ExtendsCycle,
        ProblemKind::ExtendsTooDeep,
        ProblemKind::ExtendsUnreadable,
        ProblemKind::DefinedTwice,
        ProblemKind::GivenTwice,
        ProblemKind::AdjustedTwice,
        ProblemKind::AdjustUnknownRule,
        ProblemKind::AdjustWithoutReason,
        ProblemKind::BadAdjustment,
        ProblemKind::MissingPart,
        ProblemKind::NoRegions,
        ProblemKind::NoRounds,
        ProblemKind::UnknownZone,
        ProblemKind::CoversARegion,
        ProblemKind::CoveredTwice,
        ProblemKind::RegionAndGroup,
        ProblemKind::BadTime,
        ProblemKind::BadDate,
        ProblemKind::DateOutOfRange,
        ProblemKind::OverriddenTwice,
        ProblemKind::PollsCloseBeforeOpen,
        ProblemKind::DuplicateRound,
        ProblemKind::UnknownSeverity,
        ProblemKind::UnknownKind,
        ProblemKind::UnknownChannel,
        ProblemKind::UnknownRegion,
        ProblemKind::UnknownRound,
        ProblemKind::UnknownPer,
        ProblemKind::BadCitationUrl,
        ProblemKind::MissingCitation,
        ProblemKind::NotAnAttribute,
        ProblemKind::MisplacedField,
        ProblemKind::EmptyRequires,
        ProblemKind::TwoBodies,
        ProblemKind::NoBody,
        ProblemKind::BadAnchor,
        ProblemKind::UnresolvableAnchor,
        ProblemKind::EmptyWindow,
        ProblemKind::WaiverUnknownRule,
        ProblemKind::WaiverWithoutReason,
        ProblemKind::WaiverBadMatch,
        ProblemKind::WaiverBadDate,
    ];

    /// The stable code: `scrutin::yaml::…`, `scrutin::rulebook::…` or
    /// `scrutin::waivers::…`.
    pub fn code(self) -> &'static str {
        match self {
            ProblemKind::YamlSyntax => "scrutin::yaml::syntax",
            ProblemKind::UnknownField => "scrutin::yaml::unknown-field",
            ProblemKind::MissingField => "scrutin::yaml::missing-field",
            ProblemKind::DuplicateKey => "scrutin::yaml::duplicate-key",
            ProblemKind::WrongType => "scrutin::yaml::wrong-type",
            ProblemKind::TooComplex => "scrutin::yaml::too-complex",
            ProblemKind::ExtendsCycle => "scrutin::rulebook::extends-cycle",
            ProblemKind::ExtendsTooDeep => "scrutin::rulebook::extends-too-deep",
            ProblemKind::ExtendsUnreadable => "scrutin::rulebook::extends-unreadable",
            ProblemKind::DefinedTwice => "scrutin::rulebook::defined-twice",
            ProblemKind::GivenTwice => "scrutin::rulebook::given-twice",
            ProblemKind::AdjustedTwice => "scrutin::rulebook::adjusted-twice",
            ProblemKind::AdjustUnknownRule => "scrutin::rulebook::adjust-unknown-rule",
            ProblemKind::AdjustWithoutReason => "scrutin::rulebook::adjust-without-reason",
            ProblemKind::BadAdjustment => "scrutin::rulebook::bad-adjustment",
            ProblemKind::MissingPart => "scrutin::rulebook::missing-part",
            ProblemKind::NoRegions => "scrutin::rulebook::no-regions",
            ProblemKind::NoRounds => "scrutin::rulebook::no-rounds",
            ProblemKind::UnknownZone => "scrutin::rulebook::unknown-zone",
            ProblemKind::CoversARegion => "scrutin::rulebook::covers-a-region",
            ProblemKind::CoveredTwice => "scrutin::rulebook::covered-twice",
            ProblemKind::RegionAndGroup => "scrutin::rulebook::region-and-group",
            ProblemKind::BadTime => "scrutin::rulebook::bad-time",
            ProblemKind::BadDate => "scrutin::rulebook::bad-date",
            ProblemKind::DateOutOfRange => "scrutin::rulebook::date-out-of-range",
            ProblemKind::OverriddenTwice => "scrutin::rulebook::overridden-twice",
            ProblemKind::PollsCloseBeforeOpen => "scrutin::rulebook::polls-close-before-open",
            ProblemKind::DuplicateRound => "scrutin::rulebook::duplicate-round",
            ProblemKind::UnknownSeverity => "scrutin::rulebook::unknown-severity",
            ProblemKind::UnknownKind => "scrutin::rulebook::unknown-kind",
            ProblemKind::UnknownChannel => "scrutin::rulebook::unknown-channel",
            ProblemKind::UnknownRegion => "scrutin::rulebook::unknown-region",
            ProblemKind::UnknownRound => "scrutin::rulebook::unknown-round",
            ProblemKind::UnknownPer => "scrutin::rulebook::unknown-per",
            ProblemKind::BadCitationUrl => "scrutin::rulebook::bad-citation-url",
            ProblemKind::MissingCitation => "scrutin::rulebook::missing-citation",
            ProblemKind::NotAnAttribute => "scrutin::rulebook::not-an-attribute",
            ProblemKind::MisplacedField => "scrutin::rulebook::misplaced-field",
            ProblemKind::EmptyRequires => "scrutin::rulebook::empty-requires",
            ProblemKind::TwoBodies => "scrutin::rulebook::two-bodies",
            ProblemKind::NoBody => "scrutin::rulebook::no-body",
            ProblemKind::BadAnchor => "scrutin::rulebook::bad-anchor",
            ProblemKind::UnresolvableAnchor => "scrutin::rulebook::unresolvable-anchor",
            ProblemKind::EmptyWindow => "scrutin::rulebook::empty-window",
            ProblemKind::WaiverUnknownRule => "scrutin::waivers::unknown-rule",
            ProblemKind::WaiverWithoutReason => "scrutin::waivers::missing-reason",
            ProblemKind::WaiverBadMatch => "scrutin::waivers::bad-match",
            ProblemKind::WaiverBadDate => "scrutin::waivers::bad-date",
        }
    }
}
