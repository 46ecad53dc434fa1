//! Scenario profiles: for each kind of report, how often it happens and what its
//! victims, contact routes, losses and synthetic summaries look like.
//!
//! Every fraud or computer-misuse type in `fraud_types.csv` has exactly one generic
//! profile; four local issues have their own profile on top (courier fraud and
//! ransomware share a type with a generic profile; romance fraud is every "Dating scam";
//! sextortion is most "Hacking extortion"). Shares are loosely based on Action Fraud's
//! published mix; the figures the board paper quotes are met exactly by calibration.
//!
//! Summary texts never name a person or a firm. Generic texts avoid every keyword of
//! the local-issue rules, so the rules find exactly the issues planted here.

/// A local issue the demo data must show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Issue {
    /// Courier fraud: a caller posing as police or the bank sends someone to collect.
    Courier,
    /// Romance fraud.
    Romance,
    /// Sextortion.
    Sextortion,
    /// Ransomware.
    Ransomware,
}

impl Issue {
    /// The tag every report of this issue carries.
    pub(crate) fn tag(self) -> &'static str {
        match self {
            Issue::Courier => "courier",
            Issue::Romance => "romance",
            Issue::Sextortion => "sextortion",
            Issue::Ransomware => "ransomware",
        }
    }
}

/// Age profile of individual victims.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ages {
    /// Adults of all ages, most 30–60.
    General,
    /// Skewed to 60+ (cold calls, doorstep, investments, pensions).
    Older,
    /// Skewed to 20–40 (online shopping, tickets, rentals, jobs).
    Younger,
    /// Courier fraud: more than half 80+, about 3% under 50.
    Courier,
    /// Romance fraud: average age 50.
    Romance,
    /// Sextortion: mostly 17–25, a smaller group over 60.
    Sextortion,
}

/// How the victim was first contacted, as the CSV spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Contact {
    /// A phone call.
    Phone,
    /// An email.
    Email,
    /// A text message.
    Text,
    /// Social media.
    SocialMedia,
    /// A website, app or online marketplace.
    Online,
    /// Face to face.
    InPerson,
    /// A letter.
    Post,
}

impl Contact {
    /// The CSV spelling.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Contact::Phone => "phone",
            Contact::Email => "email",
            Contact::Text => "text",
            Contact::SocialMedia => "social_media",
            Contact::Online => "online",
            Contact::InPerson => "in_person",
            Contact::Post => "post",
        }
    }
}

/// Contact-route mixes, as (route, weight).
pub(crate) type ContactMix = &'static [(Contact, f64)];

use Contact::{Email, InPerson, Online, Phone, Post, SocialMedia, Text};

const GENERAL: ContactMix = &[
    (Phone, 30.0),
    (Email, 18.0),
    (Text, 10.0),
    (SocialMedia, 10.0),
    (Online, 27.0),
    (InPerson, 3.0),
    (Post, 2.0),
];
const CARD: ContactMix = &[(Phone, 35.0), (Text, 25.0), (Email, 20.0), (Online, 20.0)];
const SHOPPING: ContactMix = &[
    (Online, 70.0),
    (SocialMedia, 22.0),
    (Email, 6.0),
    (Phone, 2.0),
];
const PHONE_LED: ContactMix = &[(Phone, 82.0), (Email, 8.0), (Online, 8.0), (Post, 2.0)];
const COURIER: ContactMix = &[(Phone, 1.0)];
const DOORSTEP: ContactMix = &[(InPerson, 92.0), (Phone, 5.0), (Post, 3.0)];
const LETTERS: ContactMix = &[(Email, 45.0), (Post, 25.0), (Phone, 20.0), (Text, 10.0)];
const ROMANCE: ContactMix = &[
    (SocialMedia, 45.0),
    (Online, 42.0),
    (Email, 8.0),
    (Text, 5.0),
];
const SEXTORTION: ContactMix = &[(SocialMedia, 60.0), (Email, 32.0), (Online, 8.0)];
const MALWARE: ContactMix = &[(Email, 65.0), (Online, 35.0)];
const HACKING: ContactMix = &[(Online, 50.0), (Email, 30.0), (SocialMedia, 20.0)];
const BUSINESS: ContactMix = &[
    (Email, 45.0),
    (Phone, 25.0),
    (InPerson, 20.0),
    (Online, 10.0),
];

/// How losses are drawn for a profile.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct LossModel {
    /// Share with an unknown (empty) loss.
    pub unknown: f64,
    /// Share of known losses that are zero.
    pub zero: f64,
    /// Share of positive losses under £250.
    pub small: f64,
    /// Mean of losses of £250 or more, in pounds.
    pub big_mean: f64,
    /// Log-normal spread of losses of £250 or more.
    pub sigma: f64,
    /// Largest loss drawn, in pounds.
    pub cap: f64,
    /// Largest loss drawn for an individual victim, in pounds.
    pub individual_cap: f64,
}

/// One scenario: a fraud type, optionally a local issue, and how its reports look.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Profile {
    /// The type's name exactly as in `fraud_types.csv`.
    pub type_name: &'static str,
    /// The local issue this scenario plants, if any.
    pub issue: Option<Issue>,
    /// Relative frequency within its family (fraud or cyber).
    pub weight: f64,
    /// Share of victims that are organisations.
    pub org_share: f64,
    /// Age profile of individual victims.
    pub ages: Ages,
    /// Share of individual victims who are women.
    pub female: f64,
    /// Contact routes.
    pub contacts: ContactMix,
    /// Losses.
    pub loss: LossModel,
    /// Chance the offence was cyber-enabled (fraud only; cyber crime always is).
    pub cyber_enabled: f64,
    /// Summary sentences for individual victims.
    pub texts: &'static [&'static str],
    /// Summary sentences for organisation victims (falls back to `texts` when empty).
    pub org_texts: &'static [&'static str],
}

impl Profile {
    const fn new(
        type_name: &'static str,
        weight: f64,
        org_share: f64,
        zero: f64,
        small: f64,
        big_mean: f64,
        cyber_enabled: f64,
    ) -> Profile {
        Profile {
            type_name,
            issue: None,
            weight,
            org_share,
            ages: Ages::General,
            female: 0.52,
            contacts: GENERAL,
            loss: LossModel {
                unknown: 0.03,
                zero,
                small,
                big_mean,
                sigma: 1.0,
                cap: 250_000.0,
                individual_cap: 250_000.0,
            },
            cyber_enabled,
            texts: &[],
            org_texts: &[],
        }
    }

    const fn issue(self, issue: Issue) -> Profile {
        Profile {
            issue: Some(issue),
            ..self
        }
    }

    const fn ages(self, ages: Ages) -> Profile {
        Profile { ages, ..self }
    }

    const fn female(self, female: f64) -> Profile {
        Profile { female, ..self }
    }

    const fn contacts(self, contacts: ContactMix) -> Profile {
        Profile { contacts, ..self }
    }

    const fn spread(self, sigma: f64, cap: f64) -> Profile {
        Profile {
            loss: LossModel {
                sigma,
                cap,
                individual_cap: cap,
                ..self.loss
            },
            ..self
        }
    }

    const fn individual_cap(self, individual_cap: f64) -> Profile {
        Profile {
            loss: LossModel {
                individual_cap,
                ..self.loss
            },
            ..self
        }
    }

    const fn unknown(self, unknown: f64) -> Profile {
        Profile {
            loss: LossModel {
                unknown,
                ..self.loss
            },
            ..self
        }
    }

    const fn texts(self, texts: &'static [&'static str]) -> Profile {
        Profile { texts, ..self }
    }

    const fn org_texts(self, org_texts: &'static [&'static str]) -> Profile {
        Profile { org_texts, ..self }
    }

    /// The sentences for a victim kind.
    pub(crate) fn sentences(&self, organisation: bool) -> &'static [&'static str] {
        if organisation && !self.org_texts.is_empty() {
            self.org_texts
        } else {
            self.texts
        }
    }
}

/// The type of courier fraud.
pub(crate) const CARD_TYPE: &str = "Cheque, plastic card and online bank accounts (not PSP)";
/// The type of romance fraud.
pub(crate) const DATING_TYPE: &str = "Dating scam";
/// The type of sextortion.
pub(crate) const EXTORTION_TYPE: &str = "Hacking extortion";
/// The type of ransomware.
pub(crate) const MALWARE_TYPE: &str = "Computer virus/malware/spyware";

/// Every scenario. Family (fraud or cyber) follows the type's `computer_misuse` flag.
pub(crate) static PROFILES: &[Profile] = &[
    // ---- Banking and credit industry fraud
    Profile::new(CARD_TYPE, 17.0, 0.08, 0.28, 0.65, 750.0, 0.5)
        .contacts(CARD)
        .texts(&[
            "Unrecognised payments were taken from the victim's bank account after card details were entered on a fake bank website.",
            "A text message claiming to be from the bank led the victim to a cloned website; the account details were then used to make payments.",
            "The card was used for purchases the victim did not make while the card was still in their possession.",
            "A caller claiming to be from the bank's fraud department talked the victim into moving money to a so-called safe account.",
        ])
        .org_texts(&[
            "The business bank account was accessed after a member of staff entered login details on a fake banking page; payments went to unknown accounts.",
            "The company credit card was used for purchases nobody in the business had made.",
        ]),
    Profile::new(CARD_TYPE, 0.9, 0.0, 0.06, 0.0, 8_300.0, 0.02)
        .issue(Issue::Courier)
        .ages(Ages::Courier)
        .female(0.62)
        .contacts(COURIER)
        .spread(0.85, 120_000.0)
        .texts(&[
            "A caller posing as police said the victim's bank account had been compromised and sent a courier to collect the bank card and PIN.",
            "A caller claiming to be from the bank's fraud team asked the victim to hand the card to a courier for safe keeping.",
            "A caller impersonating police asked the victim to withdraw cash to help an investigation; a courier collected the cash from the home address.",
            "A caller posing as a bank official persuaded the victim to buy gold; a courier came to the door to collect it.",
        ]),
    Profile::new("Application fraud (excluding mortgages)", 3.0, 0.05, 0.61, 0.53, 1_000.0, 0.7)
        .texts(&[
            "Credit accounts were opened in the victim's name using stolen identity details.",
            "The victim found a loan taken out in their name after a repayment letter arrived.",
        ])
        .org_texts(&["A trade credit account was opened in the business's name using false details."]),
    Profile::new("Mortgage related fraud", 0.3, 0.05, 0.55, 0.23, 7_500.0, 0.3).texts(&[
        "A mortgage application was made using the victim's identity and forged documents.",
        "Funds for a property purchase were lost through a falsified mortgage application.",
    ]),
    Profile::new("Mandate fraud", 2.5, 0.65, 0.22, 0.13, 4_500.0, 0.8)
        .contacts(BUSINESS)
        .texts(&[
            "An email appearing to come from a builder changed the bank details for a payment; the money went to the wrong account.",
            "The solicitor's email was spoofed during a house purchase and the deposit was sent to a fraudulent account.",
        ])
        .org_texts(&[
            "An email appearing to come from a regular supplier gave new bank details; an invoice payment went to a fraudster's account.",
            "A letter on copied headed paper asked the business to update a supplier's bank details; two payments were diverted.",
        ]),
    Profile::new("Dishonestly retaining a wrongful credit", 0.8, 0.2, 0.11, 0.43, 750.0, 0.3).texts(&[
        "A payment made in error to another account was not returned by the person who received it.",
    ]),
    // ---- Insurance fraud
    Profile::new("Insurance related fraud", 0.6, 0.25, 0.33, 0.53, 750.0, 0.3).texts(&[
        "A false claim was made against the victim's insurance policy.",
        "A policy sold over the phone turned out not to exist; premiums were paid for no cover.",
    ]),
    Profile::new("Insurance broker fraud", 0.1, 0.3, 0.22, 0.43, 750.0, 0.3).texts(&[
        "Car insurance bought through an online broker turned out to be invalid and was cancelled soon after purchase.",
    ]),
    // ---- Financial investment fraud
    Profile::new("Share sales or boiler room fraud", 0.8, 0.02, 0.11, 0.05, 10_000.0, 0.4)
        .ages(Ages::Older)
        .female(0.35)
        .contacts(PHONE_LED)
        .spread(1.1, 250_000.0)
        .texts(&[
            "A cold caller offered shares in an overseas company that turned out to be worthless.",
            "The victim was pressured by repeated calls to buy shares that could never be sold.",
        ]),
    Profile::new("Pyramid or Ponzi schemes", 0.3, 0.02, 0.11, 0.33, 3_000.0, 0.7).texts(&[
        "An investment club promised high monthly returns for recruiting new members; payments stopped after a few months.",
    ]),
    Profile::new("Prime bank guarantees", 0.05, 0.3, 0.11, 0.13, 10_000.0, 0.5)
        .ages(Ages::Older)
        .texts(&[
            "The victim was offered a bank guarantee investment with guaranteed returns; fees were paid and nothing was received.",
        ]),
    Profile::new("Time shares and holiday club fraud", 0.3, 0.0, 0.11, 0.13, 3_000.0, 0.2)
        .ages(Ages::Older)
        .contacts(PHONE_LED)
        .texts(&[
            "The victim paid an upfront fee to a company promising to sell their holiday club membership; no sale took place.",
        ]),
    Profile::new("Other financial investment", 2.5, 0.05, 0.11, 0.13, 7_500.0, 0.6)
        .ages(Ages::Older)
        .female(0.38)
        .spread(1.1, 250_000.0)
        .texts(&[
            "An online advert promoted a cryptocurrency trading platform; the victim invested and could not withdraw any money.",
            "The victim invested in fine wine through a cold caller; the stock never existed.",
            "Bonds with high fixed returns advertised online turned out to be fake.",
        ]),
    // ---- Consumer and retail fraud
    Profile::new("Online shopping and auctions", 22.0, 0.08, 0.13, 0.75, 500.0, 0.95)
        .ages(Ages::Younger)
        .contacts(SHOPPING)
        .texts(&[
            "The victim paid by bank transfer for a used car advertised online; the seller stopped replying.",
            "A mobile phone bought through an online marketplace never arrived.",
            "The victim paid for a puppy advertised on social media; the seller asked for more fees and disappeared.",
            "Goods ordered from a website that has since vanished were never delivered.",
            "A games console was paid for through a marketplace listing and never sent.",
        ])
        .org_texts(&["The business ordered equipment from a website that disappeared after payment."]),
    Profile::new("Computer software service fraud", 6.5, 0.05, 0.39, 0.48, 900.0, 0.85)
        .ages(Ages::Older)
        .contacts(PHONE_LED)
        .texts(&[
            "A caller claiming to be from a broadband provider said the computer had a fault, took remote control and moved money from online banking.",
            "A pop-up warning gave a support number; the person who answered charged for unnecessary repairs to the computer.",
        ]),
    Profile::new("Ticket fraud", 1.8, 0.01, 0.06, 0.78, 500.0, 0.9)
        .ages(Ages::Younger)
        .contacts(SHOPPING)
        .texts(&[
            "Concert tickets bought from a resale listing on social media never arrived.",
            "Football tickets paid for through a website turned out not to exist.",
        ]),
    Profile::new("Door to door sales and bogus tradesmen", 1.8, 0.02, 0.22, 0.33, 1_500.0, 0.02)
        .ages(Ages::Older)
        .contacts(DOORSTEP)
        .texts(&[
            "A trader at the door said the roof needed urgent repairs, took payment and did little or no work.",
            "A cold caller at the door charged an inflated price for driveway work that was never finished.",
        ]),
    Profile::new("Retail fraud", 1.5, 0.7, 0.33, 0.63, 600.0, 0.4)
        .texts(&["The victim's store account was used to buy goods on credit."])
        .org_texts(&[
            "Items were obtained from the store using stolen payment details.",
            "A false refund was claimed at the till using a forged receipt.",
        ]),
    Profile::new("Other consumer non-investment fraud", 6.0, 0.2, 0.28, 0.68, 600.0, 0.45).texts(&[
        "The victim signed up to a free trial offer online and was then charged every month.",
        "A deposit was paid for a holiday let that did not exist.",
        "A car bought from a private seller turned out to be stolen and was seized.",
    ]),
    // ---- Advance fee payments
    Profile::new("Lender loan fraud", 1.8, 0.02, 0.11, 0.83, 500.0, 0.8)
        .ages(Ages::Younger)
        .texts(&["The victim applied for a loan online and was asked for an upfront fee; the loan never came."]),
    Profile::new(DATING_TYPE, 1.0, 0.0, 0.1, 0.05, 11_000.0, 0.95)
        .issue(Issue::Romance)
        .ages(Ages::Romance)
        .female(0.63)
        .contacts(ROMANCE)
        .spread(1.1, 250_000.0)
        .texts(&[
            "The victim met someone on a dating site; after weeks of messages the contact asked for money for a medical emergency abroad.",
            "Online romance: a contact claiming to work overseas asked for money for travel costs so they could meet.",
            "The victim formed a relationship through online dating; the contact later asked for help paying customs fees.",
            "Romance scam via social media; the contact persuaded the victim to invest in cryptocurrency together.",
        ]),
    Profile::new("Lottery scams", 1.2, 0.0, 0.39, 0.63, 750.0, 0.5)
        .ages(Ages::Older)
        .contacts(LETTERS)
        .texts(&[
            "A message said the victim had won an overseas lottery; fees were paid to release the prize.",
            "A phone call announced a prize draw win that needed a processing fee.",
        ]),
    Profile::new("419 advance fee fraud", 0.8, 0.02, 0.33, 0.33, 2_000.0, 0.85)
        .contacts(LETTERS)
        .texts(&[
            "An email from someone claiming to be a foreign official asked for help moving funds in return for a share; the victim paid fees.",
        ]),
    Profile::new("Inheritance fraud", 0.4, 0.0, 0.44, 0.33, 2_500.0, 0.6)
        .ages(Ages::Older)
        .contacts(LETTERS)
        .texts(&["A message said the victim was due an inheritance from a distant relative abroad; legal fees were demanded."]),
    Profile::new("Rental fraud", 1.8, 0.03, 0.11, 0.33, 600.0, 0.85)
        .ages(Ages::Younger)
        .contacts(SHOPPING)
        .texts(&[
            "A deposit and first month's rent were paid for a flat advertised online; the property was not available.",
            "A room to rent was advertised online; the supposed landlord took the deposit and vanished.",
        ]),
    Profile::new("Recruitment scams", 1.3, 0.02, 0.33, 0.73, 500.0, 0.8)
        .ages(Ages::Younger)
        .texts(&["A job offer received online required payment for training and checks; there was no job."]),
    Profile::new("Fraud recovery", 0.4, 0.0, 0.33, 0.33, 1_250.0, 0.5)
        .ages(Ages::Older)
        .contacts(PHONE_LED)
        .texts(&["A caller offered to recover money lost to an earlier scam in return for a fee."]),
    Profile::new("Other advance fee frauds", 6.5, 0.12, 0.28, 0.63, 750.0, 0.5).texts(&[
        "The victim paid a fee to release a government grant that did not exist.",
        "Upfront fees were paid to clear a debt that was never settled.",
        "The victim was asked to pay customs charges for a delivery that was never sent.",
    ]),
    // ---- Other fraud
    Profile::new("Fraud by abuse of position of trust", 1.4, 0.35, 0.17, 0.33, 4_000.0, 0.15)
        .ages(Ages::Older)
        .contacts(BUSINESS)
        .texts(&["A relative holding power of attorney used the victim's money for their own benefit."])
        .org_texts(&["The treasurer of a club diverted membership fees into a personal account."]),
    Profile::new("Fraud by failing to disclose information", 0.5, 0.3, 0.33, 0.53, 1_250.0, 0.3)
        .texts(&["A seller did not disclose known faults with a vehicle sold to the victim."]),
    Profile::new("Telecom industry fraud (misuse of contracts)", 1.0, 0.5, 0.22, 0.53, 600.0, 0.3)
        .texts(&["Mobile phone contracts were taken out in the victim's name and the handsets sent to another address."])
        .org_texts(&["The business phone contract was misused for premium-rate calls."]),
    Profile::new("Charity fraud", 0.3, 0.4, 0.44, 0.83, 500.0, 0.5)
        .texts(&[
            "A collector at the door raised money for a charity that does not exist.",
            "An online appeal for a disaster fund turned out to be fake.",
        ]),
    Profile::new("Pension fraud", 0.3, 0.1, 0.33, 0.23, 5_000.0, 0.4)
        .ages(Ages::Older)
        .contacts(PHONE_LED)
        .texts(&[
            "The victim was persuaded to transfer a pension into an overseas scheme promising high returns.",
            "A cold caller offered a free pension review and early access to the pension pot.",
        ]),
    Profile::new("Business trading fraud", 1.0, 0.75, 0.28, 0.33, 2_000.0, 0.3)
        .contacts(BUSINESS)
        .texts(&["A company took deposits for goods it never supplied before closing down."])
        .org_texts(&["A customer placed large orders on credit and disappeared without paying."]),
    Profile::new("Corporate employee fraud", 0.5, 0.95, 0.22, 0.33, 3_000.0, 0.2)
        .contacts(BUSINESS)
        .texts(&["A carer employed by the victim made payments from the victim's account."])
        .org_texts(&["A member of staff created false invoices and paid them into their own account."]),
    Profile::new("Corporate procurement fraud", 0.5, 0.95, 0.22, 0.23, 4_000.0, 0.4)
        .contacts(BUSINESS)
        .texts(&["A contractor invoiced the victim for work that was never done."])
        .org_texts(&["A supplier invoiced for goods that were never delivered, with help from a member of staff."]),
    Profile::new("Other regulatory fraud", 0.4, 0.5, 0.44, 0.53, 1_000.0, 0.3)
        .texts(&["An unregistered trader sold services that needed a licence the trader did not hold."]),
    Profile::new("Other fraud (not covered elsewhere)", 7.5, 0.25, 0.44, 0.68, 600.0, 0.25).texts(&[
        "The victim's identity was used to claim benefits.",
        "Goods were bought on the victim's account by someone known to them.",
        "A cheque given in payment for a vehicle bounced after the car had been collected.",
    ]),
    // ---- Computer misuse (cyber crime)
    Profile::new("Hacking - social media and email", 38.0, 0.08, 0.8, 0.7, 1_260.0, 1.0)
        .ages(Ages::Younger)
        .contacts(HACKING)
        .unknown(0.02)
        .texts(&[
            "The social media account was taken over after a password was reused; contacts were sent messages asking for money.",
            "The email account was hacked and used to send phishing messages to contacts.",
            "The victim lost access to their email after a fake login page captured the password.",
        ]),
    Profile::new("Hacking - personal", 14.0, 0.05, 0.65, 0.55, 3_500.0, 1.0)
        .contacts(HACKING)
        .unknown(0.02)
        .texts(&[
            "Online banking was accessed with stolen login details and the password changed.",
            "A personal laptop was accessed remotely without permission and files were copied.",
            "An online shopping account was accessed and used to order goods.",
        ]),
    Profile::new(MALWARE_TYPE, 10.0, 0.3, 0.8, 0.6, 1_680.0, 1.0)
        .contacts(MALWARE)
        .unknown(0.02)
        .texts(&[
            "The computer was infected with spyware after a free program was downloaded; passwords were stolen.",
            "Malicious software from an email attachment stole saved card details.",
        ]),
    Profile::new(MALWARE_TYPE, 9.0, 0.6, 0.35, 0.1, 12_000.0, 1.0)
        .issue(Issue::Ransomware)
        .contacts(MALWARE)
        .spread(1.0, 100_000.0)
        .individual_cap(3_000.0)
        .unknown(0.05)
        .texts(&["The home computer was infected with ransomware; family photos were encrypted and payment demanded."])
        .org_texts(&[
            "Ransomware attack on the business: files encrypted on the office computers and payment demanded in cryptocurrency.",
            "A member of staff opened an email attachment; ransomware spread across the network and files were encrypted.",
            "Ransomware locked the till and booking systems; the attackers demanded payment to restore the files.",
        ]),
    Profile::new(EXTORTION_TYPE, 17.0, 0.0, 0.85, 0.8, 840.0, 1.0)
        .issue(Issue::Sextortion)
        .ages(Ages::Sextortion)
        .female(0.05)
        .contacts(SEXTORTION)
        .spread(0.5, 2_000.0)
        .unknown(0.02)
        .texts(&[
            "Sextortion: after a video chat with a new online contact, the victim was threatened with the release of intimate images unless money was paid.",
            "A sextortion email claimed the victim's webcam had been hacked and demanded payment in cryptocurrency.",
            "The victim received a sextortion demand on social media after sharing images with someone using a fake profile.",
        ]),
    Profile::new(EXTORTION_TYPE, 3.0, 0.5, 0.7, 0.3, 2_800.0, 1.0)
        .contacts(HACKING)
        .texts(&["An attacker claimed to have stolen personal data and demanded payment not to publish it."])
        .org_texts(&["An attacker claimed to have copied customer records and demanded payment not to publish them."]),
    Profile::new("Hacking - server", 4.0, 0.8, 0.6, 0.3, 8_400.0, 1.0)
        .contacts(HACKING)
        .texts(&["A home web server was accessed by an attacker and used to send spam."])
        .org_texts(&[
            "The company web server was hacked and customer records accessed.",
            "The website was defaced after an attacker gained access to the hosting account.",
        ]),
    Profile::new("Denial of service attack", 2.5, 0.85, 0.8, 0.3, 2_800.0, 1.0)
        .contacts(HACKING)
        .texts(&["The victim's home connection was flooded with traffic during online gaming."])
        .org_texts(&["The business website was made unavailable by a flood of traffic for several hours."]),
    Profile::new("Denial of service attack extortion", 1.0, 0.9, 0.6, 0.2, 4_200.0, 1.0)
        .contacts(MALWARE)
        .texts(&["An email threatened to take the victim's website offline unless a payment was made."])
        .org_texts(&["An email threatened to take the business website offline unless a payment was made."]),
    Profile::new("Hacking - PBX/dial through", 1.5, 0.9, 0.2, 0.2, 8_400.0, 1.0)
        .contacts(HACKING)
        .texts(&["The home phone account was hacked and used for international calls."])
        .org_texts(&["The office phone system was hacked and used to make expensive international calls overnight."]),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::reference;

    #[test]
    fn every_type_has_exactly_one_generic_profile() {
        let reference = reference();
        for fraud_type in &reference.types {
            let generic = PROFILES
                .iter()
                .filter(|p| p.type_name == fraud_type.name && p.issue.is_none())
                .count();
            let expected = usize::from(fraud_type.name != DATING_TYPE);
            assert_eq!(generic, expected, "{}", fraud_type.name);
        }
        for profile in PROFILES {
            assert!(
                reference.type_index(profile.type_name).is_some(),
                "{}",
                profile.type_name
            );
            assert!(!profile.texts.is_empty(), "{}", profile.type_name);
        }
    }

    #[test]
    fn issue_profiles_use_the_agreed_types() {
        let reference = reference();
        for profile in PROFILES {
            let Some(issue) = profile.issue else { continue };
            let label =
                &reference.types[reference.type_index(profile.type_name).expect("known")].label;
            let expected = match issue {
                Issue::Courier => "NFIB5A",
                Issue::Romance => "Dating scam",
                Issue::Sextortion => "NFIB52E",
                Issue::Ransomware => "NFIB50A",
            };
            assert_eq!(label, expected);
        }
    }
}
