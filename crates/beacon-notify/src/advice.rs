//! Plain-words advice for each IntelMQ classification: what a finding means and what to do.
//!
//! Written for a busy IT lead or office manager, in GOV.UK plain English: short sentences,
//! and any technical term explained where it is used. Every lookup has an answer: an
//! unknown type falls back to its taxonomy's advice, and an unknown taxonomy to general
//! advice, so a new feed never produces an empty section.

/// What a finding means and what the organisation should do about it, in plain words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Advice {
    /// What the finding means, in one to three short sentences.
    pub meaning: &'static str,
    /// What to do about it, in one to three short sentences.
    pub action: &'static str,
}

/// One known classification type: its group heading and its advice.
struct Entry {
    classification_type: &'static str,
    title: &'static str,
    advice: Advice,
}

const fn entry(
    classification_type: &'static str,
    title: &'static str,
    meaning: &'static str,
    action: &'static str,
) -> Entry {
    Entry {
        classification_type,
        title,
        advice: Advice { meaning, action },
    }
}

/// Known types, most urgent first: digests list groups in this order.
const TYPES: &[Entry] = &[
    entry(
        "system-compromise",
        "Systems probably taken over",
        "Criminals have probably taken control of a system at this address.",
        "Treat this as a security incident. Disconnect the system from the network, keep its \
         logs and get expert help. Do not switch it off before you have asked for advice, as \
         that can destroy evidence.",
    ),
    entry(
        "application-compromise",
        "Applications probably taken over",
        "Criminals have probably taken control of an application at this address, such as a \
         website or its content management system.",
        "Take the application offline or put it into maintenance mode. Restore it from a clean \
         backup, install the latest updates and change all its passwords.",
    ),
    entry(
        "privileged-account-compromise",
        "Administrator accounts probably taken over",
        "Someone has probably got into an administrator account on a system at this address.",
        "Change the account's password at once and check what it was used for. Turn on \
         two-step sign-in (a code as well as a password) for every administrator account.",
    ),
    entry(
        "unprivileged-account-compromise",
        "User accounts probably taken over",
        "Someone has probably got into a user account on a system at this address.",
        "Change the account's password and check what it was used for. Turn on two-step \
         sign-in (a code as well as a password) where you can.",
    ),
    entry(
        "infected-system",
        "Infected devices",
        "A computer or other device at this address is infected with malicious software \
         (malware). It is talking to servers that criminals control.",
        "Use the address, port and times shown to find the device. Disconnect it from the \
         network, then clean or rebuild it. Change any passwords that were used on it.",
    ),
    entry(
        "c2-server",
        "Servers controlling infected devices",
        "This address controls infected computers for criminals. This is called a command and \
         control server: infected devices connect to it to get instructions.",
        "Check whether you run a server at this address. If you do, take it offline and \
         investigate, as it has probably been taken over. If you do not, reply to tell us so \
         we can correct our records.",
    ),
    entry(
        "malware-distribution",
        "Addresses handing out malware",
        "This address is handing out malicious software (malware). Anyone who downloads from \
         it may infect their computer.",
        "Remove the harmful files and find out how they got there. Check the website or server \
         for other changes and install the latest updates.",
    ),
    entry(
        "malware-configuration",
        "Addresses holding malware settings",
        "This address holds files that tell malicious software (malware) what to do.",
        "Remove the files and find out how they got there. Treat the server as taken over \
         until you know otherwise.",
    ),
    entry(
        "phishing",
        "Phishing pages",
        "This address hosts a fake page that tricks people into giving away passwords, bank \
         details or other personal information. This is called phishing.",
        "Take the page down and find out how it got there. Update the website's software and \
         change its administrator passwords. If people may have typed in their details, warn \
         them.",
    ),
    entry(
        "masquerade",
        "Addresses pretending to be someone else",
        "This address is pretending to be another organisation or service to mislead people.",
        "Check whether you set this up. If you did not, take it down and find out how it got \
         there.",
    ),
    entry(
        "data-leak",
        "Information leaked",
        "Information from a system at this address has been seen where it should not be.",
        "Find out what information was exposed and how. Close the gap, and check whether you \
         need to report it to the Information Commissioner's Office.",
    ),
    entry(
        "exploit",
        "Devices attacking other systems",
        "A device at this address was seen attacking other systems using a known security \
         weakness.",
        "Find the device and check it for malware or misuse. Disconnect it until it is clean \
         and change its passwords.",
    ),
    entry(
        "brute-force",
        "Devices guessing passwords",
        "A device at this address was seen trying many passwords to log in to other systems. \
         It has probably been infected or taken over.",
        "Find the device and check it for malware. Change its passwords and disconnect it \
         until it is clean.",
    ),
    entry(
        "ids-alert",
        "Security alerts about your traffic",
        "Another organisation's security system raised an alert about traffic from this \
         address. It may be an attack or a sign of infection.",
        "Check your logs for the times shown to find which device sent the traffic. Check \
         that device for malware.",
    ),
    entry(
        "ddos",
        "Devices taking part in attacks that flood services",
        "This address took part in a denial of service attack. That is an attack that sends a \
         flood of traffic to knock a service offline.",
        "Check whether a device at this address is sending large amounts of traffic. If it is, \
         disconnect it and check it for malware.",
    ),
    entry(
        "dos",
        "Devices taking part in attacks that flood services",
        "This address took part in a denial of service attack. That is an attack that sends a \
         flood of traffic to knock a service offline.",
        "Check whether a device at this address is sending large amounts of traffic. If it is, \
         disconnect it and check it for malware.",
    ),
    entry(
        "vulnerable-system",
        "Systems with a known security weakness",
        "A system at this address has a known security weakness. Criminals can use it to \
         break in.",
        "Install the latest security updates. If the system does not need to be reached from \
         the internet, block access to it.",
    ),
    entry(
        "ddos-amplifier",
        "Services that can be misused to flood others",
        "A service at this address can be misused to flood other organisations with traffic, \
         to knock them offline. Your service would make the attack much bigger.",
        "Turn the service off if you do not need it. If you do need it, set it up so that only \
         your own network can use it.",
    ),
    entry(
        "potentially-unwanted-accessible",
        "Services open to the whole internet",
        "A service at this address can be reached from anywhere on the internet, but probably \
         should not be. Examples are remote desktop, databases and printers.",
        "Check whether the service needs to be open to the internet. If not, block it at your \
         firewall, or only allow it through a VPN (a secure private connection).",
    ),
    entry(
        "information-disclosure",
        "Systems giving away information",
        "A system at this address gives away information that attackers can use, such as \
         software versions, lists of files or internal details.",
        "Change the settings so the system only shares what it must. Block access from the \
         internet if it is not needed.",
    ),
    entry(
        "weak-crypto",
        "Services with weak encryption",
        "A service at this address uses old or weak encryption. Someone could read or change \
         the information it sends.",
        "Update the service and turn off old encryption settings. Renew any security \
         certificate that has expired.",
    ),
    entry(
        "scanner",
        "Devices probing other computers",
        "A device at this address was seen probing other computers on the internet, looking \
         for weaknesses. It may be infected or misused.",
        "Find the device making these connections. If you did not arrange this scanning, check \
         the device for malware and disconnect it until it is clean.",
    ),
    entry(
        "spam",
        "Addresses sending spam",
        "Unwanted bulk email (spam) was sent from this address. An email account or device \
         may have been taken over.",
        "Find out which account or device sent the email. Change its password and check it \
         for malware. Make sure your email server only sends mail for your own users.",
    ),
    entry(
        "blacklist",
        "Addresses on block lists",
        "This address is on a public block list. Other organisations may refuse email or \
         connections from it.",
        "Find out why it was listed, for example spam or an infected device, and fix the \
         cause. Then ask the list's owner to remove it.",
    ),
];

/// Advice for a taxonomy whose type is not known.
const TAXONOMIES: &[(&str, Advice)] = &[
    (
        "intrusions",
        Advice {
            meaning: "A system or account at this address has probably been broken into.",
            action: "Treat this as a security incident. Disconnect the system, keep its logs, \
                     change its passwords and get expert help.",
        },
    ),
    (
        "malicious-code",
        Advice {
            meaning: "This address is linked to malicious software (malware).",
            action: "Find the device or server at this address and check it for malware. \
                     Disconnect it until it is clean.",
        },
    ),
    (
        "intrusion-attempts",
        Advice {
            meaning: "A device at this address was seen trying to break into other systems.",
            action: "Find the device and check it for malware or misuse. Disconnect it until \
                     it is clean.",
        },
    ),
    (
        "information-content-security",
        Advice {
            meaning: "Information at this address may have been seen, changed or leaked \
                      without permission.",
            action: "Find out what information was affected and how. Close the gap, and check \
                     whether you need to report it to the Information Commissioner's Office.",
        },
    ),
    (
        "fraud",
        Advice {
            meaning: "This address was used for fraud, such as a fake website or pretending \
                      to be another organisation.",
            action: "Check whether you set up what is at this address. If not, take it down \
                     and find out how it got there.",
        },
    ),
    (
        "availability",
        Advice {
            meaning: "This address was involved in an attack on a service's availability, such \
                      as flooding it with traffic.",
            action: "Check whether a device at this address is sending large amounts of \
                     traffic. If it is, disconnect it and check it for malware.",
        },
    ),
    (
        "vulnerable",
        Advice {
            meaning: "A system at this address has a weakness that attackers could use.",
            action: "Install the latest security updates and block access from the internet \
                     to anything that does not need it.",
        },
    ),
    (
        "information-gathering",
        Advice {
            meaning: "A device at this address was seen gathering information about other \
                      systems, for example by probing them for weaknesses.",
            action: "Find the device. If you did not arrange this, check it for malware and \
                     disconnect it until it is clean.",
        },
    ),
    (
        "abusive-content",
        Advice {
            meaning: "This address was reported for sending unwanted or harmful content, such \
                      as spam.",
            action: "Find out which account or device sent it. Change its password and check \
                     it for malware.",
        },
    ),
];

/// Advice when neither the type nor the taxonomy is known (including IntelMQ's `other`,
/// `undetermined` and `unknown`).
const GENERAL: Advice = Advice {
    meaning: "A threat feed reported this address but did not say exactly why.",
    action: "Check the device or service at this address for signs of malware or misuse. \
             Reply to this email if you would like help to find out more.",
};

/// The plain-words meaning and action for an IntelMQ classification, so every digest
/// section tells the reader what the finding is and what to do, whatever the feed sent.
///
/// Looks up the type first (IntelMQ type names are unique across taxonomies), then the
/// taxonomy, then falls back to general advice. Case and surrounding spaces are ignored.
pub fn advice_for(taxonomy: &str, classification_type: &str) -> Advice {
    if let Some(known) = find_type(classification_type) {
        return known.advice;
    }
    let taxonomy = taxonomy.trim().to_ascii_lowercase();
    TAXONOMIES
        .iter()
        .find(|(name, _)| *name == taxonomy)
        .map_or(GENERAL, |(_, advice)| *advice)
}

/// A plain heading for a group of findings of one type, or `None` for a type Beacon has no
/// words for (the caller then shows the type as the feed gave it).
pub fn title_for(classification_type: &str) -> Option<&'static str> {
    find_type(classification_type).map(|known| known.title)
}

/// Where a type comes in the digest: known types in order of urgency, then unknown ones.
pub(crate) fn urgency_rank(classification_type: &str) -> usize {
    let normalised = classification_type.trim().to_ascii_lowercase();
    TYPES
        .iter()
        .position(|known| known.classification_type == normalised)
        .unwrap_or(TYPES.len())
}

fn find_type(classification_type: &str) -> Option<&'static Entry> {
    let normalised = classification_type.trim().to_ascii_lowercase();
    TYPES
        .iter()
        .find(|known| known.classification_type == normalised)
}

#[cfg(test)]
mod tests {
    use super::*;

    const REQUIRED: &[(&str, &str)] = &[
        ("malicious-code", "infected-system"),
        ("malicious-code", "c2-server"),
        ("malicious-code", "malware-distribution"),
        ("malicious-code", "malware-configuration"),
        ("fraud", "phishing"),
        ("vulnerable", "vulnerable-system"),
        ("vulnerable", "ddos-amplifier"),
        ("vulnerable", "potentially-unwanted-accessible"),
        ("vulnerable", "information-disclosure"),
        ("vulnerable", "weak-crypto"),
        ("information-gathering", "scanner"),
        ("intrusion-attempts", "brute-force"),
        ("intrusion-attempts", "exploit"),
        ("intrusion-attempts", "ids-alert"),
        ("abusive-content", "spam"),
        ("availability", "ddos"),
        ("other", "blacklist"),
        ("intrusions", "system-compromise"),
        ("intrusions", "application-compromise"),
    ];

    #[test]
    fn every_listed_type_has_its_own_advice_and_heading() {
        for (taxonomy, kind) in REQUIRED {
            let advice = advice_for(taxonomy, kind);
            assert_ne!(advice, GENERAL, "{kind} falls back to general advice");
            assert!(title_for(kind).is_some(), "{kind} has no heading");
            assert!(!advice.meaning.is_empty() && !advice.action.is_empty());
        }
    }

    #[test]
    fn other_and_undetermined_get_general_advice() {
        assert_eq!(advice_for("other", "other"), GENERAL);
        assert_eq!(advice_for("other", "undetermined"), GENERAL);
        assert_eq!(title_for("undetermined"), None);
    }

    #[test]
    fn unknown_types_fall_back_to_their_taxonomy_then_to_general() {
        let fraud = advice_for("fraud", "brand-new-type");
        assert_ne!(fraud, GENERAL);
        assert_eq!(fraud, advice_for("FRAUD ", "another-new-type"));
        assert_eq!(advice_for("made-up", "made-up"), GENERAL);
    }

    #[test]
    fn lookups_ignore_case_and_spaces() {
        assert_eq!(
            advice_for("", " Phishing "),
            advice_for("fraud", "phishing")
        );
    }

    #[test]
    fn advice_uses_short_sentences() {
        let all = TYPES
            .iter()
            .map(|known| known.advice)
            .chain(TAXONOMIES.iter().map(|(_, advice)| *advice))
            .chain([GENERAL]);
        for advice in all {
            for text in [advice.meaning, advice.action] {
                assert!(!text.contains("  "), "stray spaces in {text:?}");
                for sentence in text.split(". ") {
                    let words = sentence.split_whitespace().count();
                    assert!(words <= 30, "sentence of {words} words: {sentence:?}");
                }
            }
        }
    }

    #[test]
    fn compromises_come_before_weaknesses() {
        assert!(urgency_rank("system-compromise") < urgency_rank("vulnerable-system"));
        assert_eq!(urgency_rank("made-up"), TYPES.len());
    }
}
