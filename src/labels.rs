//! Every word casebook shows in the handbook and its diagrams, one table per language
//! (`language:` in casebook.yaml). It sits below both users: the handbook's templates read the
//! table as `t.KEY`, the swimlane diagram takes its words from it at compile time
//! ([`label`]). A test keeps the tables in step; another, beside the templates, checks that every
//! key a template uses exists.

use crate::config::Language;
use std::collections::BTreeMap;

/// The English table.
pub(crate) const EN: &[(&str, &str)] = &[
    ("access", "Access"),
    ("analytics", "Analytics"),
    ("and_more_after", "more"),
    ("and_more_before", "and"),
    ("automated", "Automated"),
    ("backstage", "backstage"),
    ("can_read", "can read"),
    ("carrying", "carrying"),
    ("channels", "Channels"),
    ("continue_with", "continue with"),
    ("count", "Count"),
    ("cross_department", "Cross-department"),
    ("customer", "Customer"),
    ("default_severity", "Default severity"),
    ("department", "Department"),
    ("department_matrix", "Handoffs between departments"),
    ("departments", "Departments"),
    ("details", "Details"),
    ("diagram", "Swimlane diagram"),
    ("diagram_help", "Click the diagram to open it at full size."),
    ("direction", "Direction"),
    ("domain", "Domain"),
    ("domains", "Domains"),
    ("due_for_review", "Due for review"),
    ("end", "End"),
    ("error", "error"),
    ("errors", "errors"),
    ("expected_duration", "Expected duration"),
    ("fail_point", "fail point"),
    ("gap", "gap"),
    ("findings", "Findings"),
    ("findings_by_rule", "Findings by rule"),
    ("from", "From"),
    ("frontstage", "frontstage"),
    ("gives", "Gives"),
    ("glossary", "Glossary"),
    ("group", "Group"),
    ("handoffs", "Handoffs"),
    ("hands_on_to", "What we hand on, and to whom"),
    (
        "heatmap_help",
        "Each cell counts the handoff edges from the team of the row to the team of the column, over all use cases. Darker cells are busier interfaces.",
    ),
    ("home", "Home"),
    ("id", "Id"),
    ("if", "if"),
    ("in", "to"),
    ("information", "Information"),
    ("info", "info"),
    ("infos", "infos"),
    ("internal", "internal"),
    ("cross", "cross-department"),
    ("items", "Information items"),
    ("kind", "Kind"),
    ("lane", "Lane"),
    ("last_review", "Last review"),
    ("line", "line"),
    ("moment_of_truth", "moment of truth"),
    ("name", "Name"),
    ("needs", "Needs"),
    ("no", "no"),
    ("no_findings", "No findings."),
    (
        "no_handoffs",
        "No handoffs: one team serves the customer from start to end.",
    ),
    ("none", "None."),
    ("nothing_due", "No use case is due for review."),
    ("on_channel", "on"),
    ("on_failure", "on failure, continue with"),
    ("organisation", "Organisation"),
    ("out", "from"),
    ("outcome", "Outcome"),
    ("owner", "Owner"),
    ("owns", "owns"),
    ("acts", "acts"),
    ("acts_and_owns", "acts and owns"),
    ("persona", "Persona"),
    ("ranked_by_handoffs", "Use cases ranked by handoffs"),
    ("reads", "reads"),
    ("receives_from", "What we receive, and from whom"),
    ("recorded_in", "Recorded in"),
    ("records_in", "records in"),
    ("review", "Review"),
    ("review_due", "due"),
    ("review_due_on", "Review due"),
    ("reviewed_count", "Reviewed"),
    ("role", "Role"),
    ("rule", "Rule"),
    (
        "rules_intro",
        "The rules casebook checks, with what each one finds, why it matters and how to fix it. The same text is printed by `casebook explain RULE`.",
    ),
    ("rules_reference", "Rules reference"),
    ("runs", "Runs"),
    ("satisfaction_map", "Satisfaction map"),
    ("severity", "Severity"),
    (
        "serve_building",
        "The handbook is being built; this page reloads when it is ready.",
    ),
    (
        "serve_errors",
        "The catalogue has errors: the handbook below is the last one that built. Fix them and save; the page reloads.",
    ),
    (
        "serve_not_built",
        "The handbook cannot be built: the catalogue has errors (listed above). Fix them and save; the page reloads.",
    ),
    (
        "serve_not_found",
        "There is no page at this address in the handbook.",
    ),
    ("serve_not_found_title", "Page not found"),
    ("staff", "Staff"),
    ("management", "Management"),
    ("status", "Status"),
    ("steps", "Steps"),
    ("summary", "Summary"),
    ("support", "support"),
    ("synchronous", "Synchronous"),
    ("system", "System"),
    ("systems", "Systems"),
    ("team", "Team"),
    ("team_heatmap", "Handoffs between teams"),
    ("teams", "Teams"),
    ("term", "Term"),
    ("to", "To"),
    ("trigger", "Trigger"),
    ("use_case", "Use case"),
    ("use_cases", "Use cases"),
    ("used_in", "Used in"),
    ("warning", "warning"),
    ("warnings", "warnings"),
    ("what_my_team_does", "What my team does"),
    ("worst_path", "Worst path"),
    ("writing_use_cases", "Writing use cases"),
    ("yes", "yes"),
    ("lane_customer", "Customer"),
    ("lane_frontstage", "Frontstage"),
    ("lane_backstage", "Backstage"),
    ("lane_support", "Support"),
    ("line_of_interaction", "line of interaction"),
    ("line_of_visibility", "line of visibility"),
    ("line_of_internal_interaction", "line of internal interaction"),
    ("legend", "Legend"),
    ("legend_flow", "flow"),
    ("legend_handoff", "handoff"),
    ("legend_cross_department_handoff", "cross-department handoff"),
    ("legend_recovery", "recovery after a failure"),
    ("legend_end", "end"),
    ("otherwise", "otherwise"),
    ("on_failure_short", "on failure"),
    ("runs_lower", "runs"),
    ("diagram_simplified_one", "simplified: {n} connection not drawn"),
    ("diagram_simplified_many", "simplified: {n} connections not drawn"),
];

/// The French table.
pub(crate) const FR: &[(&str, &str)] = &[
    ("access", "Accès"),
    ("analytics", "Analyses"),
    ("and_more_after", "autres"),
    ("and_more_before", "et"),
    ("automated", "Automatisé"),
    ("backstage", "arrière-scène"),
    ("can_read", "peut lire"),
    ("carrying", "en transmettant"),
    ("channels", "Canaux"),
    ("continue_with", "continuer avec"),
    ("count", "Nombre"),
    ("cross_department", "Entre directions"),
    ("customer", "Client"),
    ("default_severity", "Gravité par défaut"),
    ("department", "Direction"),
    ("department_matrix", "Passages de relais entre directions"),
    ("departments", "Directions"),
    ("details", "Détails"),
    ("diagram", "Diagramme en couloirs"),
    (
        "diagram_help",
        "Cliquez sur le diagramme pour l'ouvrir en taille réelle.",
    ),
    ("direction", "Sens"),
    ("domain", "Domaine"),
    ("domains", "Domaines"),
    ("due_for_review", "À revoir"),
    ("end", "Fin"),
    ("error", "erreur"),
    ("errors", "erreurs"),
    ("expected_duration", "Durée attendue"),
    ("fail_point", "point de défaillance"),
    ("gap", "écart"),
    ("findings", "Constats"),
    ("findings_by_rule", "Constats par règle"),
    ("from", "De"),
    ("frontstage", "avant-scène"),
    ("gives", "Fournit"),
    ("glossary", "Glossaire"),
    ("group", "Groupe"),
    ("handoffs", "Passages de relais"),
    ("hands_on_to", "Ce que nous transmettons, et à qui"),
    (
        "heatmap_help",
        "Chaque case compte les passages de relais de l'équipe de la ligne vers l'équipe de la colonne, sur tous les cas d'usage. Les cases foncées sont les interfaces les plus chargées.",
    ),
    ("home", "Accueil"),
    ("id", "Identifiant"),
    ("if", "si"),
    ("in", "vers"),
    ("information", "Informations"),
    ("info", "info"),
    ("infos", "infos"),
    ("internal", "interne"),
    ("cross", "entre directions"),
    ("items", "Éléments d'information"),
    ("kind", "Type"),
    ("lane", "Couloir"),
    ("last_review", "Dernière revue"),
    ("line", "ligne"),
    ("moment_of_truth", "moment de vérité"),
    ("name", "Nom"),
    ("needs", "A besoin de"),
    ("no", "non"),
    ("no_findings", "Aucun constat."),
    (
        "no_handoffs",
        "Aucun passage de relais : une seule équipe sert le client du début à la fin.",
    ),
    ("none", "Aucun."),
    ("nothing_due", "Aucun cas d'usage n'est à revoir."),
    ("on_channel", "sur"),
    ("on_failure", "en cas d'échec, continuer avec"),
    ("organisation", "Organisation"),
    ("out", "depuis"),
    ("outcome", "Résultat"),
    ("owner", "Responsable"),
    ("owns", "responsable"),
    ("acts", "intervient"),
    ("acts_and_owns", "intervient et responsable"),
    ("persona", "Persona"),
    ("ranked_by_handoffs", "Cas d'usage classés par passages de relais"),
    ("reads", "lit"),
    ("receives_from", "Ce que nous recevons, et de qui"),
    ("recorded_in", "Enregistré dans"),
    ("records_in", "enregistre dans"),
    ("review", "Revue"),
    ("review_due", "échéance"),
    ("review_due_on", "Revue prévue le"),
    ("reviewed_count", "Revus"),
    ("role", "Rôle"),
    ("rule", "Règle"),
    (
        "rules_intro",
        "Les règles que casebook vérifie : ce que chacune trouve, pourquoi c'est important et comment corriger. Le même texte est affiché par `casebook explain RÈGLE`.",
    ),
    ("rules_reference", "Référence des règles"),
    ("runs", "Exécute"),
    ("satisfaction_map", "Carte de satisfaction"),
    ("severity", "Gravité"),
    (
        "serve_building",
        "Le manuel est en cours de construction ; cette page se recharge dès qu’il est prêt.",
    ),
    (
        "serve_errors",
        "Le catalogue contient des erreurs : le manuel ci-dessous est le dernier qui a pu être construit. Corrigez-les et enregistrez ; la page se recharge.",
    ),
    (
        "serve_not_built",
        "Le manuel ne peut pas être construit : le catalogue contient des erreurs (ci-dessus). Corrigez-les et enregistrez ; la page se recharge.",
    ),
    (
        "serve_not_found",
        "Aucune page du manuel ne se trouve à cette adresse.",
    ),
    ("serve_not_found_title", "Page introuvable"),
    ("staff", "Personnel"),
    ("management", "Direction"),
    ("status", "Statut"),
    ("steps", "Étapes"),
    ("summary", "Sommaire"),
    ("support", "support"),
    ("synchronous", "Synchrone"),
    ("system", "Système"),
    ("systems", "Systèmes"),
    ("team", "Équipe"),
    ("team_heatmap", "Passages de relais entre équipes"),
    ("teams", "Équipes"),
    ("term", "Terme"),
    ("to", "Vers"),
    ("trigger", "Déclencheur"),
    ("use_case", "Cas d'usage"),
    ("use_cases", "Cas d'usage"),
    ("used_in", "Utilisé dans"),
    ("warning", "avertissement"),
    ("warnings", "avertissements"),
    ("what_my_team_does", "Ce que fait mon équipe"),
    ("worst_path", "Pire chemin"),
    ("writing_use_cases", "Écrire des cas d'usage"),
    ("yes", "oui"),
    ("lane_customer", "Client"),
    ("lane_frontstage", "Front office"),
    ("lane_backstage", "Back office"),
    ("lane_support", "Support"),
    ("line_of_interaction", "ligne d'interaction"),
    ("line_of_visibility", "ligne de visibilité"),
    ("line_of_internal_interaction", "ligne d'interaction interne"),
    ("legend", "Légende"),
    ("legend_flow", "enchaînement"),
    ("legend_handoff", "passage de relais"),
    (
        "legend_cross_department_handoff",
        "passage de relais entre directions",
    ),
    ("legend_recovery", "reprise après un échec"),
    ("legend_end", "fin"),
    ("otherwise", "sinon"),
    ("on_failure_short", "en cas d'échec"),
    ("runs_lower", "exécute"),
    ("diagram_simplified_one", "simplifié : {n} liaison non dessinée"),
    (
        "diagram_simplified_many",
        "simplifié : {n} liaisons non dessinées",
    ),
];

/// The label `key` of a table, at compile time (a missing key does not compile).
pub const fn label(rows: &[(&'static str, &'static str)], key: &str) -> &'static str {
    let mut i = 0;
    while i < rows.len() {
        let (k, v) = rows[i];
        if same(k.as_bytes(), key.as_bytes()) {
            return v;
        }
        i += 1;
    }
    panic!("no such label")
}

const fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The label table of a language.
pub fn table(language: Language) -> BTreeMap<&'static str, &'static str> {
    let rows = match language {
        Language::En => EN,
        Language::Fr => FR,
    };
    rows.iter().copied().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_the_same_keys_once() {
        fn keys(rows: &[(&'static str, &'static str)]) -> Vec<&'static str> {
            let mut k: Vec<&'static str> = rows.iter().map(|r| r.0).collect();
            k.sort_unstable();
            let len = k.len();
            k.dedup();
            assert_eq!(len, k.len(), "a key is listed twice");
            k
        }
        assert_eq!(keys(EN), keys(FR));
    }
}
