//! Sign-up, sign-in and accepting an invitation.
//!
//! Both languages side by side: a text missing in one fails to compile.

pub struct AuthTexts {
    pub signup_title: &'static str,
    pub signup_intro: &'static str,
    pub company_name: &'static str,
    pub slug: &'static str,
    pub slug_hint: &'static str,
    pub owner_name: &'static str,
    pub password_hint: &'static str,
    pub signup_submit: &'static str,
    pub have_account: &'static str,
    pub login_title: &'static str,
    pub workspace: &'static str,
    pub login_submit: &'static str,
    pub no_account: &'static str,
    pub accept_title: &'static str,
    pub accept_intro: &'static str,
    pub display_name: &'static str,
    pub accept_submit: &'static str,
}

pub static DE: AuthTexts = AuthTexts {
    signup_title: "Arbeitsbereich anlegen",
    signup_intro: "Ihr Unternehmen erhält einen eigenen Arbeitsbereich. Sie werden Inhaber und können Kolleginnen und Kollegen einladen.",
    company_name: "Firmenname",
    slug: "Adresse des Arbeitsbereichs",
    slug_hint: "Kleinbuchstaben, Ziffern und Bindestriche, z. B. muster-gmbh. Damit meldet sich Ihr Team an.",
    owner_name: "Ihr Name",
    password_hint: "Mindestens 12 Zeichen.",
    signup_submit: "Arbeitsbereich anlegen",
    have_account: "Schon einen Arbeitsbereich? Anmelden",
    login_title: "Anmelden",
    workspace: "Arbeitsbereich",
    login_submit: "Anmelden",
    no_account: "Neu bei Tessera? Arbeitsbereich anlegen",
    accept_title: "Dem Arbeitsbereich beitreten",
    accept_intro: "Sie wurden zu {tenant} eingeladen. Wählen Sie Ihren Namen und ein Passwort.",
    display_name: "Ihr Name",
    accept_submit: "Beitreten",
};

pub static EN: AuthTexts = AuthTexts {
    signup_title: "Create your workspace",
    signup_intro:
        "Your company gets its own workspace. You become its owner and can invite colleagues.",
    company_name: "Company name",
    slug: "Workspace address",
    slug_hint:
        "Lower-case letters, digits and hyphens, e.g. muster-gmbh. Colleagues sign in with it.",
    owner_name: "Your name",
    password_hint: "At least 12 characters.",
    signup_submit: "Create workspace",
    have_account: "Already have a workspace? Sign in",
    login_title: "Sign in",
    workspace: "Workspace",
    login_submit: "Sign in",
    no_account: "New to Tessera? Create a workspace",
    accept_title: "Join the workspace",
    accept_intro: "You have been invited to {tenant}. Choose your name and a password.",
    display_name: "Your name",
    accept_submit: "Join",
};
