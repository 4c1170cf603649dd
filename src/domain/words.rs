//! Codes said in words, for the pages people read (the report, the Art 30 record, the letters):
//! task kinds, transfer states, plan reasons, services. JSON keeps the codes.

/// A kind of task, in words.
pub fn task_kind(kind: &str) -> String {
    match kind {
        "art14_notice" => "Privacy notice to the people received".into(),
        "rotate_account" => "Make a handed-over account safe".into(),
        "art19_notify" => "Tell a receiver about changes people asked for".into(),
        "breach_report" => "Decide whether to report an incident to the ICO".into(),
        "complaint_ack" => "Acknowledge a complaint".into(),
        "request_deadline" => "Answer a rights request".into(),
        "retention_run" => "Delete or anonymise what is past the retention policy".into(),
        "consent_refresh" => "Ask people to renew consent that lapses".into(),
        "account_paid_until_soon" => "An account's paid period ends within 30 days".into(),
        "account_paid_until" => "An account's paid period ends".into(),
        other => other.replace('_', " "),
    }
}

/// A transfer's state, in words.
pub fn transfer_state(state: &str) -> &'static str {
    match state {
        "created" => "sent, no receipt yet",
        "received" => "received, accounts not yet all made safe",
        "complete" => "complete",
        _ => "unknown",
    }
}

/// Why a person went or was held back in a plan, in words.
pub fn reason(code: &str) -> String {
    match code {
        "consent_names_receiver" => "went: consented to the receiver".into(),
        "legitimate_interests_notified" => "went: legitimate interests, told in time, did not object".into(),
        other => format!("held back: {}", held_back(other).trim_end_matches('.')),
    }
}

/// A code with underscores, as words ("facebook_group" → "facebook group").
pub fn plain(code: &str) -> String {
    code.replace('_', " ")
}

/// A proxy's legal authority, in words ("lpa_health_welfare" → "Lasting power of attorney for
/// health and welfare").
pub fn authority(code: &str) -> String {
    match code {
        "lpa_health_welfare" => "Lasting power of attorney for health and welfare".into(),
        "court_deputy" => "Deputy appointed by the Court of Protection".into(),
        "parental_responsibility" => "Parental responsibility".into(),
        "none" | "" => "No authority recorded".into(),
        other => plain(other),
    }
}

/// A service's name as people know it ("wordpress" → "WordPress").
pub fn service(code: &str) -> String {
    match code {
        "website" => "Website".into(),
        "wordpress" => "WordPress".into(),
        "facebook_group" => "Facebook group".into(),
        "twitter_x" => "X (Twitter)".into(),
        "youtube" => "YouTube".into(),
        "vimeo" => "Vimeo".into(),
        "mailchimp" => "Mailchimp".into(),
        "domain_registrar" => "Domain registrar".into(),
        "email_inbox" => "Email inbox".into(),
        other => plain(other),
    }
}

/// "1 account", "2 accounts".
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 { format!("1 {one}") } else { format!("{n} {many}") }
}

/// Why a person was held back, in plain words (no codes, no jargon).
pub fn held_back(code: &str) -> &'static str {
    match code {
        "no_basis_for_receiver" => "They did not agree to their details going to you.",
        "consent_withdrawn" => "They agreed at first, then changed their mind.",
        "consent_refused" => "They said no to their details going to you.",
        "consent_expired" => "They agreed a long time ago and were not asked again since.",
        "objected" => "They asked for their details not to be used this way.",
        "objection_window_open" => "They were told about the handover only recently and still have time to say no.",
        "notice_not_sent" => "They have not yet been told about the handover.",
        "adult_not_confirmed" => "Nobody has confirmed they are 18 or over yet.",
        "jurisdiction_review" => "They may live outside England and Wales, so someone must check first.",
        "erased" => "They asked for their details to be deleted.",
        "restricted" => "They asked for their details not to be used for now.",
        "marketing_consent_not_for_receiver" => {
            "They agreed to get the charity's emails, but not yours. That does not pass on."
        }
        "suppressed" => "They asked not to get emails.",
        "capacity_query" => "Someone must check they were able to agree.",
        "statement_unrecorded" => "The words they agreed to did not say who would get their details.",
        "no_email" => "There is no email address that works.",
        _ => "Their details could not go this time.",
    }
}
