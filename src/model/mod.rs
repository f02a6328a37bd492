//! The typed catalogue after loading: organisation, channels, information items, settings and
//! use cases, every reference kept with the span it was written at.
//!
//! The model is built leniently from files that may have schema errors (a step with a bad field
//! still exists, so references to it do not cascade into more errors). It holds no resolved
//! links: lookups by id go through [`Catalogue`]'s indexes, and the checks that ids exist are
//! rules (`unknown-reference`, `duplicate-id`).

use crate::config::Settings;
use crate::source::{FileId, Span};
use rayon::prelude::*;
use std::collections::HashMap;

/// A value and the span it was written at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub span: Span,
}

impl<T> Located<T> {
    /// Pairs a value with its span.
    pub fn new(value: T, span: Span) -> Self {
        Located { value, span }
    }
}

/// An id (a slug), interned: an 8-byte handle to the one copy of its text, which reads as a
/// `str` (`Deref`, `Display`, `==` with `str` and `String`) and orders by that text, so every
/// ordering of ids is the same as with `String`. Made with `Id::from(&str)`; `.to_string()` where
/// a `String` is needed. The ids of teams, channels, items and steps repeat on every step: one
/// copy each (benches/README.md, "Memory").
pub type Id = ustr::Ustr;

/// An id reference and where it was written: 24 bytes, no allocation of its own.
pub type Ref = Located<Id>;

/// A swimlane of the service blueprint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lane {
    /// The customer's own actions.
    Customer,
    /// Seen by the customer.
    Frontstage,
    /// Unseen by the customer.
    Backstage,
    /// Systems and partners behind the scenes.
    Support,
}

impl Lane {
    /// Parses a lane name.
    pub fn parse(s: &str) -> Option<Lane> {
        Some(match s {
            "customer" => Lane::Customer,
            "frontstage" => Lane::Frontstage,
            "backstage" => Lane::Backstage,
            "support" => Lane::Support,
            _ => return None,
        })
    }

    /// The lane's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Lane::Customer => "customer",
            Lane::Frontstage => "frontstage",
            Lane::Backstage => "backstage",
            Lane::Support => "support",
        }
    }
}

/// A department.
#[derive(Clone, Debug)]
pub struct Department {
    /// Its id.
    pub id: Ref,
    /// Its name.
    pub name: String,
    /// What the department does (`description:`), shown in the handbook.
    pub description: Option<String>,
}

/// A team, which acts in steps.
#[derive(Clone, Debug)]
pub struct Team {
    /// Its id.
    pub id: Ref,
    /// Its name.
    pub name: String,
    /// What the team does (`description:`), shown in the handbook.
    pub description: Option<String>,
    /// Index into [`Catalogue::departments`].
    pub department: usize,
    /// Default lane of its steps.
    pub lane: Lane,
    /// A bot or self-service system.
    pub automated: bool,
    /// Who reviews its changes on the code host (`@org/team`, `@user` or an e-mail), for
    /// `casebook codeowners`; only a value [`is_handle`] accepts.
    pub handle: Option<String>,
}

/// The longest `handle:` the organisation schema accepts.
pub const HANDLE_MAX_LEN: usize = 100;

/// Whether `s` is a code owner as the organisation schema's `handle` pattern allows it: `@user`,
/// `@org/team` (GitLab: `@group/subgroup/...`), parts of letters, digits, `_`, `.` and `-`
/// starting with a letter, digit or `_`; or an e-mail address. Nothing else can reach a
/// CODEOWNERS line, so no value can add a pattern or an owner of its own.
pub fn is_handle(s: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let part =
        |p: &str| p.chars().next().is_some_and(word) && p.chars().all(|c| word(c) || c == '.' || c == '-');
    if s.len() > HANDLE_MAX_LEN {
        return false;
    }
    if let Some(name) = s.strip_prefix('@') {
        return name.split('/').all(part);
    }
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    let tld = domain.rsplit_once('.').map_or("", |(_, tld)| tld);
    !local.is_empty()
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._%+-".contains(c))
        && domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        && tld.len() >= 2
        && tld.chars().all(|c| c.is_ascii_alphabetic())
}

/// A system where information is recorded.
#[derive(Clone, Debug)]
pub struct System {
    /// Its id.
    pub id: Ref,
    /// Its name.
    pub name: String,
    /// What the system is for (`description:`), shown in the handbook.
    pub description: Option<String>,
    /// Teams that can read it.
    pub access: Vec<Ref>,
}

/// A contact channel.
#[derive(Clone, Debug)]
pub struct Channel {
    /// Its id.
    pub id: Ref,
    /// Its name.
    pub name: String,
    /// What the channel is and when it is open (`description:`), shown in the handbook.
    pub description: Option<String>,
    /// voice, chat, email, ...
    pub kind: String,
    /// Customer and organisation are in the contact at the same time.
    pub synchronous: bool,
}

/// An information item.
#[derive(Clone, Debug)]
pub struct Item {
    /// Its id.
    pub id: Ref,
    /// Its name.
    pub name: String,
    /// What the item is (`description:`), the glossary's definition.
    pub description: Option<String>,
    /// The system where it is recorded once given.
    pub stored_in: Option<Ref>,
}

/// Review status of a use case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// Being written.
    Draft,
    /// Under review.
    InReview,
    /// Reviewed and current.
    Reviewed,
    /// No longer in use.
    Retired,
}

impl Status {
    /// Parses a status.
    pub fn parse(s: &str) -> Option<Status> {
        Some(match s {
            "draft" => Status::Draft,
            "in-review" => Status::InReview,
            "reviewed" => Status::Reviewed,
            "retired" => Status::Retired,
            _ => return None,
        })
    }

    /// The status' name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::InReview => "in-review",
            Status::Reviewed => "reviewed",
            Status::Retired => "retired",
        }
    }
}

/// A calendar date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year.
    pub year: i32,
    /// Month, 1 to 12.
    pub month: u32,
    /// Day, 1 to 31.
    pub day: u32,
}

/// Why a text is not a [`Date`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateError {
    /// Not `YYYY-MM-DD` (four, two and two digits).
    Form,
    /// A year outside [`Date::YEARS`].
    Year,
    /// A month or day that does not exist, such as 2023-02-30.
    Day,
}

impl Date {
    /// The years a date may have. The schema's pattern for dates says the same; a review in
    /// another year is a typo, and the bound keeps all date arithmetic far from overflowing.
    pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

    /// Parses `YYYY-MM-DD` with a year in [`Date::YEARS`], refusing impossible dates.
    pub fn parse(s: &str) -> Option<Date> {
        Date::read(s).ok()
    }

    /// Parses `YYYY-MM-DD` like [`Date::parse`], saying why a text is not a date.
    pub fn read(s: &str) -> Result<Date, DateError> {
        let b = s.as_bytes();
        let form = b.len() == 10
            && b.iter().enumerate().all(|(i, c)| {
                if i == 4 || i == 7 {
                    *c == b'-'
                } else {
                    c.is_ascii_digit()
                }
            });
        if !form {
            return Err(DateError::Form);
        }
        // Four and two ASCII digits: these parse.
        let number = |r: std::ops::Range<usize>| s[r].parse::<u32>().map_err(|_| DateError::Form);
        let (year, month, day) = (number(0..4)? as i32, number(5..7)?, number(8..10)?);
        if !Date::YEARS.contains(&year) {
            return Err(DateError::Year);
        }
        if !(1..=12).contains(&month) || !(1..=days_in_month(year, month)).contains(&day) {
            return Err(DateError::Day);
        }
        Ok(Date { year, month, day })
    }

    /// The date `months` later, clamped to the end of the month. Constant time for any
    /// `months`; a year beyond `i32::MAX` saturates.
    pub fn add_months(self, months: u32) -> Date {
        let total = i64::from(self.year) * 12 + i64::from(self.month) - 1 + i64::from(months);
        let year = i32::try_from(total.div_euclid(12)).unwrap_or(i32::MAX);
        let month = total.rem_euclid(12) as u32 + 1;
        Date {
            year,
            month,
            day: self.day.min(days_in_month(year, month)),
        }
    }
}

/// The number of days of `month` (1 to 12) in `year`.
fn days_in_month(year: i32, month: u32) -> u32 {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// An expected duration, in minutes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration {
    /// Minutes (days and weeks count in working time: 1d = 8h, 1w = 5d).
    pub minutes: u64,
}

impl Duration {
    /// The most digits the number of a duration may have, as in the schema's pattern: at most
    /// 999,999 weeks, so that a sum over any catalogue's steps stays far below `u64::MAX`.
    pub const MAX_DIGITS: usize = 6;

    /// Parses `30m`, `4h`, `2d`, `1w`: one to [`Duration::MAX_DIGITS`] digits and a unit.
    pub fn parse(s: &str) -> Option<Duration> {
        let unit = s.chars().last()?;
        let digits = &s[..s.len() - unit.len_utf8()];
        if !(1..=Duration::MAX_DIGITS).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let n: u64 = digits.parse().ok()?;
        let per = match unit {
            'm' => 1,
            'h' => 60,
            'd' => 8 * 60,
            'w' => 5 * 8 * 60,
            _ => return None,
        };
        Some(Duration { minutes: n * per })
    }
}

/// Satisfaction scores of one step, 1 to 5 per rater.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Satisfaction {
    /// The customer's score.
    pub customer: Option<u8>,
    /// The staff's score.
    pub staff: Option<u8>,
    /// Management's score.
    pub management: Option<u8>,
}

impl Satisfaction {
    /// The scores a rater may give, as in the schema.
    pub const SCORES: std::ops::RangeInclusive<i64> = 1..=5;
}

/// An `allow:` list with its reason.
#[derive(Clone, Debug, Default)]
pub struct Allow {
    /// The rule ids allowed.
    pub rules: Vec<Ref>,
    /// Why.
    pub reason: Option<String>,
    /// The `allow` value as written (the list), when the key is there: where an editor's quick
    /// fix adds a rule id.
    pub span: Option<Span>,
}

/// No `allow:`, what a step without one reads.
static NO_ALLOW: Allow = Allow {
    rules: Vec::new(),
    reason: None,
    span: None,
};

/// A step's `allow:`, boxed because few steps have one: 8 bytes on every step rather than the
/// 64 of an [`Allow`]. It reads as an [`Allow`] (an empty one when the step has none).
#[derive(Clone, Debug, Default)]
pub struct StepAllow(Option<Box<Allow>>);

impl StepAllow {
    /// Boxes `allow` unless it is empty (no rules, no reason, no `allow` key).
    pub fn new(allow: Allow) -> StepAllow {
        let empty = allow.rules.is_empty() && allow.reason.is_none() && allow.span.is_none();
        StepAllow((!empty).then(|| Box::new(allow)))
    }
}

impl std::ops::Deref for StepAllow {
    type Target = Allow;
    fn deref(&self) -> &Allow {
        self.0.as_deref().unwrap_or(&NO_ALLOW)
    }
}

/// One entry of a step's `next`.
#[derive(Clone, Debug)]
pub struct Next {
    /// The step it goes to.
    pub to: Ref,
    /// The condition (boxed: most entries have none).
    pub when: Option<Box<Located<String>>>,
    /// Taken when no condition applies.
    pub default: bool,
    /// Information passed along this edge.
    pub carries: Box<[Ref]>,
    /// A message flow (`message: true`): the step sends a message to `to`, which counts as a
    /// handoff and may carry information, but is not the way the flow goes on (no control flow:
    /// the structure analyses and the worst path do not follow it). See ARCHITECTURE.md, "Graph
    /// semantics".
    pub message: bool,
    /// The whole entry.
    pub span: Span,
}

/// How a step waits for the branches that lead into it (`join:`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Join {
    /// It runs when any one of them arrives (the default: an exclusive merge).
    Any,
    /// It waits for every one of them (a parallel join, after a `parallel: true` split).
    All,
}

impl Join {
    /// Parses a join name.
    pub fn parse(s: &str) -> Option<Join> {
        Some(match s {
            "any" => Join::Any,
            "all" => Join::All,
            _ => return None,
        })
    }

    /// The join's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Join::Any => "any",
            Join::All => "all",
        }
    }
}

/// One step of a use case.
///
/// The steps are most of the model's memory (a million of them at 50,000 use cases), so the
/// fields most steps lack are boxed (`end`, `calls`, `recovery`, `satisfaction`, `duration`,
/// `allow`: 8 bytes when absent) and the lists are boxed slices at their length
/// (benches/README.md, "Memory").
#[derive(Clone, Debug)]
pub struct Step {
    /// Its id.
    pub id: Ref,
    /// Its title (absent on end steps).
    pub title: Option<Located<String>>,
    /// Longer text.
    pub description: Option<String>,
    /// A team id or `customer`.
    pub actor: Option<Ref>,
    /// Overrides the actor's lane.
    pub lane: Option<Located<Lane>>,
    /// The channel.
    pub channel: Option<Ref>,
    /// Where what it gives is recorded.
    pub system: Option<Ref>,
    /// Information it needs.
    pub needs: Box<[Ref]>,
    /// Information it gives.
    pub gives: Box<[Ref]>,
    /// Information it hands over to its next steps.
    pub carries: Box<[Ref]>,
    /// Where the flow goes.
    pub next: Box<[Next]>,
    /// The span of the `next` key, when present.
    pub next_key: Option<Span>,
    /// A parallel split (`parallel: true`): every `next` entry that is not a message is taken
    /// at once.
    pub parallel: Option<Span>,
    /// How the step waits for the branches leading into it (`join:`; absent means any).
    pub join: Option<Located<Join>>,
    /// The outcome label of an end step.
    pub end: Option<Box<Located<String>>>,
    /// A use case run as a sub-process.
    pub calls: Option<Box<Ref>>,
    /// A step where things often go wrong.
    pub fail_point: Option<Span>,
    /// Where the flow recovers.
    pub recovery: Option<Box<Ref>>,
    /// A moment of truth.
    pub moment_of_truth: Option<Span>,
    /// Scores.
    pub satisfaction: Option<Box<Located<Satisfaction>>>,
    /// Expected duration.
    pub duration: Option<Box<Located<Duration>>>,
    /// Suppressed rules.
    pub allow: StepAllow,
    /// The whole step mapping.
    pub span: Span,
}

impl Step {
    /// True for an end step.
    pub fn is_end(&self) -> bool {
        self.end.is_some()
    }

    /// True for a parallel split (`parallel: true`).
    pub fn is_parallel(&self) -> bool {
        self.parallel.is_some()
    }

    /// True for a step that waits for every branch leading into it (`join: all`).
    pub fn joins_all(&self) -> bool {
        self.join.as_ref().is_some_and(|j| j.value == Join::All)
    }
}

/// One use case.
#[derive(Clone, Debug)]
pub struct UseCase {
    /// The file it came from.
    pub file: FileId,
    /// Its id.
    pub id: Ref,
    /// Its title.
    pub title: String,
    /// Longer text.
    pub description: Option<String>,
    /// Grouping slug.
    pub domain: String,
    /// Accountable team.
    pub owner: Option<Ref>,
    /// Review status.
    pub status: Option<Status>,
    /// Last review date.
    pub reviewed: Option<Located<Date>>,
    /// Review period in months, when set on the use case.
    pub review_every_months: Option<u32>,
    /// Who the customer is.
    pub persona: Option<String>,
    /// What starts it.
    pub trigger: Option<String>,
    /// What is true at the end.
    pub outcome: Option<String>,
    /// Information the customer has at the start.
    pub inputs: Vec<Ref>,
    /// Free tags.
    pub tags: Vec<String>,
    /// The start step, when named.
    pub start: Option<Ref>,
    /// The steps, in file order.
    pub steps: Vec<Step>,
    /// Suppressed rules for the whole use case.
    pub allow: Allow,
    /// Step id -> index of its first definition.
    pub step_index: StepIndex,
}

/// The steps of a use case by id: the index of each id's first definition, sorted by id, so a
/// lookup is a binary search over the steps' own ids. (A `HashMap<String, usize>` copied every
/// id and took 1 KB a use case besides; this takes 4 bytes a step.)
#[derive(Clone, Debug, Default)]
pub struct StepIndex(Vec<u32>);

impl StepIndex {
    /// The index of `steps`, first definition of each id winning.
    pub fn of(steps: &[Step]) -> StepIndex {
        let mut order: Vec<u32> = (0..steps.len() as u32).collect();
        // Stable: of equal ids, the first definition comes first and is kept.
        order.sort_by(|&a, &b| steps[a as usize].id.value.cmp(&steps[b as usize].id.value));
        order.dedup_by(|a, b| steps[*a as usize].id.value == steps[*b as usize].id.value);
        order.shrink_to_fit();
        StepIndex(order)
    }

    /// The index in `steps` (the steps it was built from) of the step with this id.
    pub fn get(&self, steps: &[Step], id: &str) -> Option<usize> {
        self.0
            .binary_search_by(|&i| steps[i as usize].id.value.as_str().cmp(id))
            .ok()
            .map(|k| self.0[k] as usize)
    }

    /// The ids, each once, in sorted order.
    pub fn ids<'a>(&'a self, steps: &'a [Step]) -> impl Iterator<Item = &'a str> + 'a {
        self.0.iter().map(|&i| steps[i as usize].id.value.as_str())
    }
}

impl UseCase {
    /// The index of the step with this id.
    pub fn step(&self, id: &str) -> Option<usize> {
        self.step_index.get(&self.steps, id)
    }

    /// The ids of the steps, each once, in sorted order.
    pub fn step_ids(&self) -> impl Iterator<Item = &str> + '_ {
        self.step_index.ids(&self.steps)
    }

    /// The index of the start step, when it exists.
    pub fn start_step(&self) -> Option<usize> {
        match &self.start {
            Some(s) => self.step(&s.value),
            None => (!self.steps.is_empty()).then_some(0),
        }
    }
}

/// The actor id of the customer.
pub const CUSTOMER: &str = "customer";

/// The whole catalogue.
#[derive(Debug, Default)]
pub struct Catalogue {
    /// Settings from casebook.yaml.
    pub settings: Settings,
    /// Departments.
    pub departments: Vec<Department>,
    /// Teams.
    pub teams: Vec<Team>,
    /// Systems.
    pub systems: Vec<System>,
    /// Channels.
    pub channels: Vec<Channel>,
    /// Information items.
    pub items: Vec<Item>,
    /// Use cases, sorted by file path.
    pub use_cases: Vec<UseCase>,
    /// Indexes: id -> first definition.
    pub index: Indexes,
}

/// Id -> index maps for each kind of definition (first definition wins).
#[derive(Debug, Default)]
pub struct Indexes {
    /// Departments.
    pub departments: HashMap<String, usize>,
    /// Teams.
    pub teams: HashMap<String, usize>,
    /// Systems.
    pub systems: HashMap<String, usize>,
    /// Channels.
    pub channels: HashMap<String, usize>,
    /// Items.
    pub items: HashMap<String, usize>,
    /// Use cases.
    pub use_cases: HashMap<String, usize>,
}

fn index_of<'a>(ids: impl Iterator<Item = &'a str>) -> HashMap<String, usize> {
    let mut map = HashMap::with_capacity(ids.size_hint().0);
    for (i, id) in ids.enumerate() {
        map.entry(id.to_owned()).or_insert(i);
    }
    map
}

impl Catalogue {
    /// Rebuilds the id indexes after the vectors were filled.
    pub fn reindex(&mut self) {
        self.index = Indexes {
            departments: index_of(self.departments.iter().map(|d| d.id.value.as_str())),
            teams: index_of(self.teams.iter().map(|d| d.id.value.as_str())),
            systems: index_of(self.systems.iter().map(|d| d.id.value.as_str())),
            channels: index_of(self.channels.iter().map(|d| d.id.value.as_str())),
            items: index_of(self.items.iter().map(|d| d.id.value.as_str())),
            use_cases: index_of(self.use_cases.iter().map(|d| d.id.value.as_str())),
        };
        // 10,000 small maps: built on rayon's pool rather than on the main thread alone.
        self.use_cases.par_iter_mut().for_each(|uc| {
            uc.step_index = StepIndex::of(&uc.steps);
        });
    }

    /// The team with this id.
    pub fn team(&self, id: &str) -> Option<&Team> {
        self.index.teams.get(id).map(|&i| &self.teams[i])
    }

    /// The channel with this id.
    pub fn channel(&self, id: &str) -> Option<&Channel> {
        self.index.channels.get(id).map(|&i| &self.channels[i])
    }

    /// The system with this id.
    pub fn system(&self, id: &str) -> Option<&System> {
        self.index.systems.get(id).map(|&i| &self.systems[i])
    }

    /// The item with this id.
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.index.items.get(id).map(|&i| &self.items[i])
    }

    /// The use case with this id.
    pub fn use_case(&self, id: &str) -> Option<&UseCase> {
        self.index.use_cases.get(id).map(|&i| &self.use_cases[i])
    }

    /// The lane a step is in: its own `lane`, else its actor's; `None` when the step has no actor
    /// or its actor is not a team (unknown-reference reports that).
    pub fn lane_of(&self, step: &Step) -> Option<Lane> {
        if let Some(l) = &step.lane {
            return Some(l.value);
        }
        let actor = step.actor.as_ref()?;
        if actor.value == CUSTOMER {
            return Some(Lane::Customer);
        }
        self.team(&actor.value).map(|t| t.lane)
    }

    /// True when the step is the customer's or in the frontstage lane (its channel is then required).
    pub fn is_customer_facing(&self, step: &Step) -> bool {
        step.actor.as_ref().is_some_and(|a| a.value == CUSTOMER)
            || matches!(self.lane_of(step), Some(Lane::Customer | Lane::Frontstage))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_durations_parse_strictly() {
        assert!(Date::parse("2024-02-29").is_some());
        assert!(Date::parse("2023-02-29").is_none());
        assert!(Date::parse("2023-13-01").is_none());
        assert_eq!(
            Date::parse("2024-01-31").unwrap().add_months(1).to_string(),
            "2024-02-29"
        );
        assert_eq!(
            Date::parse("2022-03-14").unwrap().add_months(12).to_string(),
            "2023-03-14"
        );
        assert_eq!(Duration::parse("2d").unwrap().minutes, 960);
        assert!(Duration::parse("2x").is_none());
        assert!(Duration::parse("").is_none());
        assert!(Duration::parse("2é").is_none());
    }

    #[test]
    fn dates_and_durations_are_bounded_as_the_schema_says() {
        assert_eq!(Date::read("1900-01-01").map(|d| d.year), Ok(1900));
        assert_eq!(Date::read("2200-12-31").map(|d| d.year), Ok(2200));
        assert_eq!(Date::read("1899-12-31"), Err(DateError::Year));
        assert_eq!(Date::read("2201-01-01"), Err(DateError::Year));
        assert_eq!(Date::read("2023-02-29"), Err(DateError::Day));
        assert_eq!(Date::read("2024-00-10"), Err(DateError::Day));
        for form in [
            "2024-1-01",
            "+024-01-01",
            "2147483647-12-31",
            "2024-01-01 ",
            "２０２４-01-01",
            "",
        ] {
            assert_eq!(Date::read(form), Err(DateError::Form), "{form}");
        }
        assert_eq!(Duration::parse("999999w").unwrap().minutes, 999_999 * 2_400);
        for bad in ["1000000m", "0000001m", "+5m", "-5m", "18446744073709551615w", "m"] {
            assert!(Duration::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn the_step_index_finds_the_first_definition_of_each_id() {
        let step = |id: &str, at: u32| Step {
            id: Located::new(
                Id::from(id),
                Span {
                    file: FileId(0),
                    start: at,
                    end: at,
                },
            ),
            title: None,
            description: None,
            actor: None,
            lane: None,
            channel: None,
            system: None,
            needs: Box::default(),
            gives: Box::default(),
            carries: Box::default(),
            next: Box::default(),
            next_key: None,
            parallel: None,
            join: None,
            end: None,
            calls: None,
            fail_point: None,
            recovery: None,
            moment_of_truth: None,
            satisfaction: None,
            duration: None,
            allow: StepAllow::default(),
            span: Span {
                file: FileId(0),
                start: at,
                end: at,
            },
        };
        let steps: Vec<Step> = ["call", "b", "call", "a", "b", "z"]
            .iter()
            .enumerate()
            .map(|(i, id)| step(id, i as u32))
            .collect();
        let index = StepIndex::of(&steps);
        assert_eq!(index.get(&steps, "call"), Some(0));
        assert_eq!(index.get(&steps, "b"), Some(1));
        assert_eq!(index.get(&steps, "a"), Some(3));
        assert_eq!(index.get(&steps, "z"), Some(5));
        assert_eq!(index.get(&steps, "c"), None);
        assert_eq!(index.get(&steps, ""), None);
        assert_eq!(index.ids(&steps).collect::<Vec<_>>(), ["a", "b", "call", "z"]);
        assert_eq!(StepIndex::of(&[]).get(&[], "a"), None);
    }

    /// The steps are most of the model's memory (benches/README.md, "Memory"): a field added to
    /// `Step` costs 50,000 use cases × 19.5 steps × its size. 664 bytes before the rarely given
    /// fields were boxed and the lists made boxed slices, 448 after.
    #[test]
    fn a_step_stays_as_small_as_measured() {
        assert!(size_of::<Step>() <= 448, "{}", size_of::<Step>());
        assert!(size_of::<Next>() <= 80, "{}", size_of::<Next>());
        // An interned id: 8 bytes and a span, 40 as a `String` beside the span.
        assert_eq!(size_of::<Ref>(), 24);
        assert_eq!(size_of::<Option<Ref>>(), 24);
    }

    #[test]
    fn adding_months_takes_constant_time_and_never_overflows() {
        let d = Date::parse("2200-12-31").unwrap();
        assert_eq!(d.add_months(120).to_string(), "2210-12-31");
        assert_eq!(d.add_months(2).to_string(), "2201-02-28");
        let far = d.add_months(u32::MAX);
        assert_eq!((far.year, far.month, far.day), (357_916_142, 3, 31));
        let saturated = Date {
            year: i32::MAX,
            month: 12,
            day: 31,
        }
        .add_months(u32::MAX);
        assert_eq!(saturated.year, i32::MAX);
    }
}

impl Date {
    /// Today's date (UTC) from the system clock.
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Date::from_days_since_epoch((secs / 86_400) as i64)
    }

    /// The civil date `days` days after 1970-01-01 (Howard Hinnant's algorithm).
    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }
}

#[cfg(test)]
mod date_tests {
    use super::Date;

    #[test]
    fn civil_dates_from_epoch_days() {
        assert_eq!(Date::from_days_since_epoch(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_days_since_epoch(19_782).to_string(), "2024-02-29");
    }
}
