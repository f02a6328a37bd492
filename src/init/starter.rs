//! The files of a new catalogue: small, valid, and clean under every rule (a test checks it),
//! each with comments that say what it holds. Their schema lines are prepended by `init`, which
//! knows where the schemas are.

/// casebook.yaml: the catalogue's settings.
pub const CASEBOOK: &str = r#"# The catalogue's settings. `casebook explain` lists the rules; tune them under `rules:`.
name: Our services
language: en
review_every_months: 12
"#;

/// organisation.yaml: one department, a frontstage and a backstage team, one system.
pub const ORGANISATION: &str = r#"# Who does the work: departments and their teams, and the systems where things are recorded.
# A team's lane is frontstage (it talks to customers), backstage (it works out of their sight)
# or support (it serves the other teams). The customer is not a team.
departments:
  - id: customer-service
    name: Customer service
    teams:
      - id: front-desk
        name: Front desk
        lane: frontstage
      - id: specialists
        name: Specialists
        lane: backstage
systems:
  - id: case-log
    name: Case log
    access: [front-desk, specialists]   # the teams that can read what is recorded there
"#;

/// channels.yaml: one channel.
pub const CHANNELS: &str = r#"# Where customers and the organisation meet. `synchronous: true`: both are in the same
# conversation at the same moment (a call, a live chat, a visit).
channels:
  - id: phone
    name: Phone
    kind: voice
    synchronous: true
"#;

/// information.yaml: the two items the starter use case passes on.
pub const INFORMATION: &str = r#"# The information that steps need and give. `stored_in`: the system where it is recorded once
# given; leave it out for what only travels in a conversation.
information:
  - id: question
    name: The customer's question
    stored_in: case-log
  - id: answer
    name: The answer to the question
    stored_in: case-log
"#;

/// information.yaml for a catalogue that has its own organisation (the starter items name the
/// starter system).
pub const NO_INFORMATION: &str = r#"# The information that steps need and give. `stored_in`: the system where it is recorded once
# given; leave it out for what only travels in a conversation. For example:
#   - id: invoice-number
#     name: Invoice number
#     stored_in: billing-system
information: []
"#;

/// The starter use case, which uses every definition above.
pub const USE_CASE: &str = r#"# A starter use case: change it to one of yours, or copy it. `casebook new ID --domain D`
# writes another one; `casebook check` says what to fix.
id: customer-asks-a-question
title: A customer asks a question
domain: general
owner: front-desk
status: draft
persona: Any customer
trigger: The customer has a question about our service.
outcome: The customer has a correct answer.
steps:
  - id: ask
    title: The customer calls with a question
    actor: customer
    channel: phone
    gives: [question]
    next: log
  - id: log
    title: The front desk records the question
    actor: front-desk
    channel: phone
    system: case-log
    needs: [question]
    next:
      - { to: answer-at-once, when: the front desk knows the answer }
      - { to: research, default: true }
  - id: research
    title: A specialist finds the answer
    actor: specialists
    needs: [question]
    gives: [answer]
    duration: 1d
    next: call-back
  - id: call-back
    title: The front desk calls the customer back with the answer
    actor: front-desk
    channel: phone
    needs: [answer]
    next: done
  - id: answer-at-once
    title: The front desk answers at once
    actor: front-desk
    channel: phone
    next: done
  - id: done
    end: answered
"#;

/// The starter use case's id and domain (its file is `use-cases/DOMAIN/ID.yaml`).
pub const USE_CASE_ID: &str = "customer-asks-a-question";
/// The starter use case's domain.
pub const USE_CASE_DOMAIN: &str = "general";
