//! The two catalogs as data: what an integration may be granted, and what
//! each API operation needs. Rules elsewhere read these tables; nothing
//! here decides anything.

use crate::json::{write_object, ToJson};
use crate::wipe::Text;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Product {
    Workplace,
    AdminCenter,
}

impl Product {
    pub const ALL: [Product; 2] = [Product::Workplace, Product::AdminCenter];

    pub fn as_str(self) -> &'static str {
        match self {
            Product::Workplace => "workplace",
            Product::AdminCenter => "admin_center",
        }
    }

    pub fn parse(s: &str) -> Option<Product> {
        Product::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// Where a catalog row comes from, so users can tell fact from inference.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The seed documents in `shared/seeds/`.
    Seed,
    /// Public reference documentation.
    Documented,
    /// Public sample code.
    Sample,
    /// Inferred from the seed text; no public reference names the endpoint.
    Modeled,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Seed => "seed",
            Source::Documented => "documented",
            Source::Sample => "sample",
            Source::Modeled => "modeled",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PermissionOption {
    pub id: &'static str,
    pub label: &'static str,
}

#[derive(Clone, Copy, Debug)]
pub struct Permission {
    pub id: &'static str,
    pub label: &'static str,
    pub aliases: &'static [&'static str],
    pub products: &'static [Product],
    pub group_scoped: bool,
    /// Permissions whose reading rights this one includes.
    pub implies: &'static [&'static str],
    pub options: &'static [PermissionOption],
    pub description: &'static str,
    pub notes: &'static str,
    pub source: Source,
}

const WP: &[Product] = &[Product::Workplace];
const AC: &[Product] = &[Product::AdminCenter];
const BOTH: &[Product] = &[Product::Workplace, Product::AdminCenter];

const fn perm(
    id: &'static str,
    label: &'static str,
    aliases: &'static [&'static str],
    group_scoped: bool,
    description: &'static str,
) -> Permission {
    Permission {
        id,
        label,
        aliases,
        products: WP,
        group_scoped,
        implies: &[],
        options: &[],
        description,
        notes: "",
        source: Source::Seed,
    }
}

/// The permission catalog, SPEC §2, in the seed's order.
pub static PERMISSIONS: [Permission; 26] = [
    perm("read_group_content", "Read group content", &["read_group"], true,
        "Read posts and comments in selected groups."),
    perm("manage_group_content", "Manage group content", &["write_group"], true,
        "Manage posts and comments in selected groups."),
    perm("read_user_timeline", "Read user timeline", &["read_user_feed"], false,
        "See posts made by group members on their timeline."),
    perm("manage_user_timeline", "Manage user timeline", &["write_user_feed"], false,
        "Post and comment on any group member's timeline."),
    Permission {
        notes: "Bots in groups: see a post where mentioned, and reply.",
        ..perm("mention_bot", "Mention bot", &["bot_mention"], false,
            "Where mentioned in a post, see the post and reply to comments.")
    },
    Permission {
        notes: "When scoped to specific groups it may not create groups.",
        ..perm("manage_groups", "Manage groups", &[], true,
            "Create, edit or remove selected groups and their members.")
    },
    Permission {
        products: BOTH,
        options: &[PermissionOption {
            id: "auto_invite",
            label: "Automatically invite people to Workplace as soon as they're added using this integration",
        }],
        ..perm("manage_accounts", "Manage accounts", &[], false,
            "Provision, update or deactivate accounts via the Account Management API.")
    },
    perm("manage_badges", "Manage badges", &[], false,
        "Award badges to people in a Workplace community."),
    perm("read_user_email", "Read user email", &[], false,
        "See any group member's email address."),
    Permission {
        notes: "Fields department, division, organization, primary_address, primary_phone, title, gender.",
        ..perm("read_user_work_profile", "Read work profile", &[], false,
            "Read-only access to people's directory information.")
    },
    Permission {
        notes: "Managers and reports.",
        ..perm("read_user_org_chart", "Read org chart", &[], false,
            "Read-only access to people's managers and subordinates.")
    },
    Permission {
        options: &[PermissionOption {
            id: "group_chats",
            label: "Allow this integration to work in group chats",
        }],
        ..perm("message_any_member", "Message any member", &["message"], false,
            "Send and receive chat messages to and from any member of your community.")
    },
    perm("read_all_messages", "Read all messages", &[], false,
        "Read chat messages from any member in your community."),
    perm("delete_chat_messages", "Delete chat messages", &[], false,
        "Delete chat messages from a person's conversations, e.g. for a retention policy."),
    perm("read_security_logs", "Read security logs", &[], false,
        "Access details of security events, including login attempts and password reset requests."),
    perm("logout_members", "Log members out from all active sessions", &[], false,
        "Log a user out of Workplace."),
    perm("create_link_previews", "Create link previews", &["link_unfurling"], false,
        "Rich previews for links shared in Workplace."),
    Permission {
        notes: "The target must be claimed, active and password-authenticated.",
        ..perm("force_password_reset", "Force Password Reset", &[], false,
            "Force a user with password authentication to reset their password.")
    },
    Permission {
        implies: &["read_user_work_profile", "read_user_org_chart"],
        notes: "Updates name, department, division, title, organization and phones.",
        ..perm("manage_work_profiles", "Manage Work Profiles", &["manage_work_profile"], false,
            "Read and update work profiles in Workplace.")
    },
    Permission {
        notes: "Provision, deactivate, delete unclaimed accounts; updates active, email, name, hire_date, invited.",
        ..perm("provision_user_accounts", "Provision User Accounts", &[], false,
            "Provision accounts in Workplace.")
    },
    perm("read_group_membership", "Read group membership", &[], false,
        "List the members of a group and the groups a user is a member of."),
    Permission {
        implies: &["read_knowledge_library"],
        ..perm("manage_knowledge_library", "Manage Knowledge Library content", &[], false,
            "Create, edit and delete important company information in Knowledge Library.")
    },
    perm("read_knowledge_library", "Read Knowledge Library content", &[], false,
        "Read important company information in Knowledge Library."),
    Permission {
        notes: "The integration must have group access `all`.",
        ..perm("export_employee_data", "Export employee data", &[], false,
            "Export the list of current employees and their activity data in a CSV format.")
    },
    Permission {
        source: Source::Documented,
        ..perm("report_content", "Report content", &[], false,
            "Report content to the community's content moderation.")
    },
    Permission {
        products: AC,
        notes: "Admin Center only; the only permission of an integration made in the Security tab.",
        ..perm("read_security_audit_logs", "Read security audit logs", &[], false,
            "Read the security audit logs of an Admin Center instance.")
    },
];

/// Index of a permission in `PERMISSIONS`; also its bit in a `PermissionSet`.
pub type PermissionIndex = usize;

/// Finds a permission by id, alias, or exact label.
pub fn permission(name: &str) -> Option<(PermissionIndex, &'static Permission)> {
    PERMISSIONS
        .iter()
        .enumerate()
        .find(|(_, p)| p.id == name || p.label == name || p.aliases.contains(&name))
}

/// A set of permissions as a bit mask over `PERMISSIONS`: cheap to copy and
/// to intersect on every decision.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PermissionSet(u32);

impl PermissionSet {
    pub fn insert(&mut self, i: PermissionIndex) {
        if i < PERMISSIONS.len() {
            self.0 |= 1 << i;
        }
    }
    pub fn contains(self, i: PermissionIndex) -> bool {
        i < PERMISSIONS.len() && self.0 & (1 << i) != 0
    }
    pub fn contains_id(self, id: &str) -> bool {
        permission(id).is_some_and(|(i, _)| self.contains(i))
    }
    pub fn iter(self) -> impl Iterator<Item = (PermissionIndex, &'static Permission)> {
        PERMISSIONS.iter().enumerate().filter(move |(i, _)| self.contains(*i))
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    /// The set plus everything its members imply.
    pub fn with_implied(self) -> PermissionSet {
        let mut out = self;
        for (_, p) in self.iter() {
            for implied in p.implies {
                if let Some((j, _)) = permission(implied) {
                    out.insert(j);
                }
            }
        }
        out
    }
    pub fn available_in(product: Product) -> PermissionSet {
        let mut out = PermissionSet::default();
        for (i, p) in PERMISSIONS.iter().enumerate() {
            if p.products.contains(&product) {
                out.insert(i);
            }
        }
        out
    }
    pub fn intersect(self, other: PermissionSet) -> PermissionSet {
        PermissionSet(self.0 & other.0)
    }
}

/// The type of object an `{id}` path segment names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Node {
    Group,
    Member,
    Post,
    Message,
    Job,
    Category,
    QuickLink,
    ScimUser,
}

impl Node {
    pub const ALL: [Node; 8] = [
        Node::Group,
        Node::Member,
        Node::Post,
        Node::Message,
        Node::Job,
        Node::Category,
        Node::QuickLink,
        Node::ScimUser,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Node::Group => "group",
            Node::Member => "member",
            Node::Post => "post",
            Node::Message => "message",
            Node::Job => "job",
            Node::Category => "category",
            Node::QuickLink => "quick_link",
            Node::ScimUser => "scim_user",
        }
    }

    /// The placeholder this node takes in a path template.
    pub fn placeholder(self) -> &'static str {
        match self {
            Node::Group => "{group-id}",
            Node::Member => "{member-id}",
            Node::Post => "{post-id}",
            Node::Message => "{message-id}",
            Node::Job => "{job-id}",
            Node::Category => "{category-id}",
            Node::QuickLink => "{quick-link-id}",
            Node::ScimUser => "{id}",
        }
    }

    pub fn parse(s: &str) -> Option<Node> {
        Node::ALL.into_iter().find(|n| n.as_str() == s)
    }
}

/// When a permission in an operation's list applies to a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    Always,
    /// The request says the integration was mentioned in the post.
    Mentioned,
    /// The post is in a group (request `group_id`, or `directory.posts`).
    InGroup,
    /// The post is on a member's timeline, in no group.
    OnTimeline,
    /// The integration's group access is `all`: a scoped manage_groups may
    /// not create groups.
    Unscoped,
    /// In a group thread (`thread: "group"`) the named option must be on.
    OptionInGroupThread(&'static str),
}

impl When {
    pub fn as_str(self) -> &'static str {
        match self {
            When::Always => "always",
            When::Mentioned => "mentioned",
            When::InGroup => "in_group",
            When::OnTimeline => "on_timeline",
            When::Unscoped => "unscoped",
            When::OptionInGroupThread(_) => "option_in_group_thread",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Grant {
    pub permission: &'static str,
    pub when: When,
}

/// Field-dependent requirement: asking for (or updating) any of `fields`
/// needs one of `permissions`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldRule {
    pub fields: &'static [&'static str],
    pub permissions: &'static [&'static str],
}

/// How an operation relates to the integration's group access.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupScope {
    None,
    /// The `{group-id}` in the path must be allowed.
    Path,
    /// The post's group (request `group_id` or `directory.posts`) must be allowed.
    Post,
    /// Group access must be `all`.
    AllGroups,
}

impl GroupScope {
    pub fn as_str(self) -> &'static str {
        match self {
            GroupScope::None => "none",
            GroupScope::Path => "path",
            GroupScope::Post => "post",
            GroupScope::AllGroups => "all_groups",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TargetRule {
    /// Only accounts that were never claimed.
    Unclaimed,
    /// Claimed, active and password-authenticated (not SSO).
    PasswordUser,
}

impl TargetRule {
    pub fn as_str(self) -> &'static str {
        match self {
            TargetRule::Unclaimed => "unclaimed",
            TargetRule::PasswordUser => "password_user",
        }
    }
}

/// How the call authenticates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Auth {
    AccessToken,
    /// `access_token=<app_id>|<app_secret>`: no token and no proof.
    AppCredentials,
}

impl Auth {
    pub fn as_str(self) -> &'static str {
        match self {
            Auth::AccessToken => "access_token",
            Auth::AppCredentials => "app_credentials",
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Operation {
    pub id: &'static str,
    pub method: &'static str,
    pub path: &'static str,
    /// Type of the `{id}` the path starts at, if it starts at one.
    pub node: Option<Node>,
    /// Any one suffices; narrowest first.
    pub permissions: &'static [Grant],
    pub fields: &'static [FieldRule],
    pub group_scope: GroupScope,
    pub target: Option<TargetRule>,
    pub products: &'static [Product],
    pub auth: Auth,
    pub source: Source,
    pub summary: &'static str,
}

const fn always(permission: &'static str) -> Grant {
    Grant { permission, when: When::Always }
}

const fn op(
    id: &'static str,
    method: &'static str,
    path: &'static str,
    node: Option<Node>,
    permissions: &'static [Grant],
    summary: &'static str,
) -> Operation {
    Operation {
        id,
        method,
        path,
        node,
        permissions,
        fields: &[],
        group_scope: GroupScope::None,
        target: None,
        products: WP,
        auth: Auth::AccessToken,
        source: Source::Documented,
        summary,
    }
}

const fn in_group(op: Operation) -> Operation {
    Operation { group_scope: GroupScope::Path, ..op }
}

/// Posts live in a group or on a timeline: which permission applies
/// depends on where, and a group post's group must be allowed.
const fn on_post(op: Operation) -> Operation {
    Operation { group_scope: GroupScope::Post, ..op }
}

const fn modeled(op: Operation) -> Operation {
    Operation { source: Source::Modeled, ..op }
}

const fn scim(id: &'static str, method: &'static str, path: &'static str, node: Option<Node>, summary: &'static str) -> Operation {
    Operation { products: BOTH, ..op(id, method, path, node, MANAGE_ACCOUNTS, summary) }
}

use Node::*;

const MANAGE_ACCOUNTS: &[Grant] = &[always("manage_accounts")];
const READ_GROUP: &[Grant] = &[always("read_group_content")];
const MANAGE_GROUP_CONTENT: &[Grant] = &[always("manage_group_content")];
const READ_POST: &[Grant] = &[
    Grant { permission: "read_group_content", when: When::InGroup },
    Grant { permission: "mention_bot", when: When::Mentioned },
    Grant { permission: "read_user_timeline", when: When::OnTimeline },
];
const COMMENT_POST: &[Grant] = &[
    Grant { permission: "manage_group_content", when: When::InGroup },
    Grant { permission: "mention_bot", when: When::Mentioned },
    Grant { permission: "manage_user_timeline", when: When::OnTimeline },
];
const DELETE_POST: &[Grant] = &[
    Grant { permission: "manage_group_content", when: When::InGroup },
    Grant { permission: "manage_user_timeline", when: When::OnTimeline },
];
const MANAGE_GROUPS: &[Grant] = &[always("manage_groups")];
const READ_MEMBERSHIP: &[Grant] = &[always("read_group_membership")];
const ORG_CHART: &[Grant] = &[always("read_user_org_chart"), always("manage_work_profiles")];
const BADGES: &[Grant] = &[always("manage_badges")];
const READ_KL: &[Grant] = &[always("read_knowledge_library"), always("manage_knowledge_library")];
const MANAGE_KL: &[Grant] = &[always("manage_knowledge_library")];
const EXPORT: &[Grant] = &[always("export_employee_data")];

const WORK_PROFILE_FIELDS: &[&str] =
    &["department", "division", "organization", "primary_address", "primary_phone", "title", "gender"];

/// The operation catalog, SPEC §3 plus documented neighbours.
pub static OPERATIONS: &[Operation] = &[
    in_group(op("group.read", "GET", "/{group-id}", Some(Group), READ_GROUP, "Read a group.")),
    in_group(op("group.feed.read", "GET", "/{group-id}/feed", Some(Group), READ_GROUP, "Read a group's posts.")),
    in_group(op("group.feed.publish", "POST", "/{group-id}/feed", Some(Group), MANAGE_GROUP_CONTENT, "Post in a group.")),
    in_group(op("group.photos.publish", "POST", "/{group-id}/photos", Some(Group), MANAGE_GROUP_CONTENT, "Post a photo in a group.")),
    on_post(op("post.read", "GET", "/{post-id}", Some(Post), READ_POST, "Read a post.")),
    on_post(op("post.comments.read", "GET", "/{post-id}/comments", Some(Post), READ_POST, "Read the comments on a post.")),
    on_post(op("post.delete", "DELETE", "/{post-id}", Some(Post), DELETE_POST, "Delete a post.")),
    on_post(op("post.comments.publish", "POST", "/{post-id}/comments", Some(Post), COMMENT_POST, "Comment on a post.")),
    op("member.feed.read", "GET", "/{member-id}/feed", Some(Member), &[always("read_user_timeline")], "Read a member's timeline."),
    op("member.feed.publish", "POST", "/{member-id}/feed", Some(Member), &[always("manage_user_timeline")], "Post on a member's timeline."),
    op("community.groups.create", "POST", "/community/groups", None,
        &[Grant { permission: "manage_groups", when: When::Unscoped }], "Create a group."),
    in_group(op("group.update", "POST", "/{group-id}", Some(Group), MANAGE_GROUPS, "Edit a group.")),
    in_group(op("group.members.add", "POST", "/{group-id}/members", Some(Group), MANAGE_GROUPS, "Add a member to a group.")),
    in_group(op("group.members.remove", "DELETE", "/{group-id}/members", Some(Group), MANAGE_GROUPS, "Remove a member from a group.")),
    in_group(op("group.admins.add", "POST", "/{group-id}/admins", Some(Group), MANAGE_GROUPS, "Make a member a group admin.")),
    op("group.members.read", "GET", "/{group-id}/members", Some(Group), READ_MEMBERSHIP, "List a group's members."),
    op("member.groups.read", "GET", "/{member-id}/groups", Some(Member), READ_MEMBERSHIP, "List the groups a member is in."),
    op("community.read", "GET", "/community", None,
        &[always("read_group_content"), always("manage_groups")], "Read the community."),
    op("community.members.read", "GET", "/community/members", None, &[always("manage_work_profiles")], "List the community's members."),
    op("community.organization_members.read", "GET", "/community/organization_members", None, READ_MEMBERSHIP,
        "List the organisation's members."),
    Operation {
        fields: &[
            FieldRule { fields: &["email"], permissions: &["read_user_email"] },
            FieldRule { fields: WORK_PROFILE_FIELDS, permissions: &["read_user_work_profile", "manage_work_profiles"] },
        ],
        ..op("member.read", "GET", "/{member-id}", Some(Member),
            &[always("read_user_work_profile"), always("manage_accounts")], "Read a member's profile.")
    },
    op("member.managers.read", "GET", "/{member-id}/managers", Some(Member), ORG_CHART, "Read a member's managers."),
    op("member.reports.read", "GET", "/{member-id}/reports", Some(Member), ORG_CHART, "Read a member's reports."),
    Operation {
        fields: &[
            FieldRule {
                fields: &["department", "division", "title", "organization", "primary_phone", "primary_address", "phone_numbers"],
                permissions: &["manage_work_profiles"],
            },
            FieldRule { fields: &["active", "email", "hire_date", "invited"], permissions: &["provision_user_accounts"] },
            FieldRule { fields: &["name"], permissions: &["manage_work_profiles", "provision_user_accounts"] },
        ],
        ..op("member.update", "POST", "/{member-id}", Some(Member),
            &[always("manage_work_profiles"), always("provision_user_accounts")], "Update a member's account or work profile.")
    },
    Operation {
        target: Some(TargetRule::Unclaimed),
        ..op("member.delete", "DELETE", "/{member-id}", Some(Member), &[always("provision_user_accounts")],
            "Delete an unclaimed account.")
    },
    op("community.accounts.create", "POST", "/community/accounts", None, &[always("provision_user_accounts")],
        "Provision an account."),
    scim("scim.users.list", "GET", "/scim/v1/Users", None, "List accounts (SCIM)."),
    scim("scim.users.create", "POST", "/scim/v1/Users", None, "Create an account (SCIM)."),
    scim("scim.users.read", "GET", "/scim/v1/Users/{id}", Some(ScimUser), "Read an account (SCIM)."),
    scim("scim.users.replace", "PUT", "/scim/v1/Users/{id}", Some(ScimUser), "Replace an account (SCIM)."),
    scim("scim.users.update", "PATCH", "/scim/v1/Users/{id}", Some(ScimUser), "Update an account (SCIM)."),
    scim("scim.users.delete", "DELETE", "/scim/v1/Users/{id}", Some(ScimUser), "Delete an account (SCIM)."),
    op("member.badges.award", "POST", "/{member-id}/badges", Some(Member), BADGES, "Award a badge."),
    op("member.badges.read", "GET", "/{member-id}/badges", Some(Member), BADGES, "List a member's badges."),
    op("community.badges.read", "GET", "/community/badges", None, BADGES, "List the available badges."),
    op("messages.send", "POST", "/me/messages", None,
        &[Grant { permission: "message_any_member", when: When::OptionInGroupThread("group_chats") }],
        "Send a chat message."),
    op("member.conversations.read", "GET", "/{member-id}/conversations", Some(Member), &[always("read_all_messages")],
        "Read a member's chat conversations."),
    op("message.delete", "DELETE", "/{message-id}", Some(Message), &[always("delete_chat_messages")], "Delete a chat message."),
    op("community.security_logs.read", "GET", "/community/security_logs", None, &[always("read_security_logs")],
        "Read security events."),
    op("member.logout", "POST", "/{member-id}/logout", Some(Member), &[always("logout_members")],
        "Log a member out of all sessions."),
    modeled(op("link_preview.create", "POST", "/link_previews", None, &[always("create_link_previews")],
        "Answer a link-preview webhook with a preview.")),
    Operation {
        target: Some(TargetRule::PasswordUser),
        ..op("member.password_reset", "POST", "/{member-id}/password_reset", Some(Member), &[always("force_password_reset")],
            "Force a password reset.")
    },
    op("knowledge_library.categories.read", "GET", "/community/knowledge_library_categories", None, READ_KL,
        "List Knowledge Library categories."),
    op("knowledge_library.category.read", "GET", "/{category-id}", Some(Category), READ_KL, "Read a category's content."),
    op("knowledge_library.subcategories.read", "GET", "/{category-id}/subcategories", Some(Category), READ_KL,
        "List a category's subcategories."),
    op("knowledge_library.categories.create", "POST", "/community/knowledge_library_categories", None, MANAGE_KL,
        "Create a category."),
    op("knowledge_library.category.update", "POST", "/{category-id}", Some(Category), MANAGE_KL, "Update a category."),
    op("knowledge_library.category.delete", "DELETE", "/{category-id}", Some(Category), MANAGE_KL, "Delete a category."),
    op("knowledge_library.subcategories.create", "POST", "/{category-id}/subcategories", Some(Category), MANAGE_KL,
        "Create a subcategory."),
    op("knowledge_library.photos.create", "POST", "/{category-id}/photos", Some(Category), MANAGE_KL, "Add a photo to a category."),
    op("knowledge_library.videos.create", "POST", "/{category-id}/videos", Some(Category), MANAGE_KL, "Add a video to a category."),
    op("knowledge_library.files.create", "POST", "/{category-id}/files", Some(Category), MANAGE_KL, "Add a file to a category."),
    modeled(op("knowledge_library.quick_links.read", "GET", "/community/knowledge_quick_links", None, READ_KL,
        "List quick links.")),
    modeled(op("knowledge_library.quick_links.create", "POST", "/community/knowledge_quick_links", None, MANAGE_KL,
        "Create a quick link.")),
    modeled(op("knowledge_library.quick_link.delete", "DELETE", "/{quick-link-id}", Some(QuickLink), MANAGE_KL,
        "Delete a quick link.")),
    Operation {
        group_scope: GroupScope::AllGroups,
        ..op("community.export_employee_data", "POST", "/community/export_employee_data", None, EXPORT,
            "Schedule an employee data export.")
    },
    Operation {
        group_scope: GroupScope::AllGroups,
        ..op("export_job.read", "GET", "/{job-id}", Some(Job), EXPORT, "Read an export job's status and file.")
    },
    op("community.reported_content.create", "POST", "/community/reported_content", None, &[always("report_content")],
        "Report content."),
    Operation {
        products: AC,
        ..modeled(op("security_audit_logs.read", "GET", "/security_audit_logs", None, &[always("read_security_audit_logs")],
            "Read security audit logs."))
    },
    Operation {
        products: AC,
        auth: Auth::AppCredentials,
        source: Source::Seed,
        ..op("work_get_token", "POST", "/work_get_token", None, &[], "Get an access token with the app id and secret.")
    },
];

pub fn operation(id: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().find(|o| o.id == id)
}

impl Operation {
    /// The requirements a call makes: each inner list is "any one of".
    /// Requested fields that no rule names fall back to the default list.
    pub fn requirements<'f>(&self, fields: impl IntoIterator<Item = &'f str>) -> Vec<Vec<&'static str>> {
        let default: Vec<&'static str> = self.permissions.iter().map(|g| g.permission).collect();
        let mut out: Vec<Vec<&'static str>> = Vec::new();
        let mut any_field = false;
        for field in fields {
            any_field = true;
            let list = match self.fields.iter().find(|r| r.fields.contains(&field)) {
                Some(rule) => rule.permissions.to_vec(),
                None => default.clone(),
            };
            if !out.contains(&list) {
                out.push(list);
            }
        }
        if !any_field && !default.is_empty() {
            out.push(default);
        }
        out
    }

    pub fn available_in(&self, product: Product) -> bool {
        self.products.contains(&product)
    }

    pub fn view(&self) -> OperationView {
        OperationView {
            id: self.id,
            method: self.method,
            path: self.path,
            node: self.node,
            permissions: self.permissions.iter().map(|g| g.permission).collect(),
            conditions: self
                .permissions
                .iter()
                .filter(|g| g.when != When::Always)
                .map(|g| ConditionView {
                    permission: g.permission,
                    when: g.when.as_str(),
                    option: match g.when {
                        When::OptionInGroupThread(o) => Some(o),
                        _ => None,
                    },
                })
                .collect(),
            fields: self.fields,
            group_scoped: self.group_scope != GroupScope::None,
            group_scope: self.group_scope,
            target: self.target,
            products: self.products,
            auth: self.auth,
            source: self.source,
            summary: self.summary,
        }
    }
}

/// An operation as `operations()` shows it: permission ids first, the
/// conditions some of them carry beside.
#[derive(Clone, Debug)]
pub struct OperationView {
    pub id: &'static str,
    pub method: &'static str,
    pub path: &'static str,
    pub node: Option<Node>,
    pub permissions: Vec<&'static str>,
    pub conditions: Vec<ConditionView>,
    pub fields: &'static [FieldRule],
    pub group_scoped: bool,
    pub group_scope: GroupScope,
    pub target: Option<TargetRule>,
    pub products: &'static [Product],
    pub auth: Auth,
    pub source: Source,
    pub summary: &'static str,
}

#[derive(Clone, Debug)]
pub struct ConditionView {
    pub permission: &'static str,
    pub when: &'static str,
    pub option: Option<&'static str>,
}

impl ToJson for PermissionOption {
    fn write_json(&self, out: &mut Text) {
        write_object(out, &[("id", &self.id), ("label", &self.label)]);
    }
}

impl ToJson for Permission {
    fn write_json(&self, out: &mut Text) {
        write_object(
            out,
            &[
                ("id", &self.id),
                ("label", &self.label),
                ("aliases", &self.aliases),
                ("products", &self.products),
                ("group_scoped", &self.group_scoped),
                ("implies", &self.implies),
                ("options", &self.options),
                ("description", &self.description),
                ("notes", &self.notes),
                ("source", &self.source),
            ],
        );
    }
}

impl ToJson for FieldRule {
    fn write_json(&self, out: &mut Text) {
        write_object(out, &[("fields", &self.fields), ("permissions", &self.permissions)]);
    }
}

impl ToJson for OperationView {
    fn write_json(&self, out: &mut Text) {
        write_object(
            out,
            &[
                ("id", &self.id),
                ("method", &self.method),
                ("path", &self.path),
                ("node", &self.node),
                ("permissions", &self.permissions),
                ("conditions", &self.conditions),
                ("fields", &self.fields),
                ("group_scoped", &self.group_scoped),
                ("group_scope", &self.group_scope),
                ("target", &self.target),
                ("products", &self.products),
                ("auth", &self.auth),
                ("source", &self.source),
                ("summary", &self.summary),
            ],
        );
    }
}

impl ToJson for ConditionView {
    fn write_json(&self, out: &mut Text) {
        write_object(out, &[("permission", &self.permission), ("when", &self.when), ("option", &self.option)]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn twenty_six_unique_permissions_with_unique_names() {
        let mut names = HashSet::new();
        for p in &PERMISSIONS {
            assert!(names.insert(p.id), "duplicate {}", p.id);
            assert!(names.insert(p.label), "duplicate label {}", p.label);
            for a in p.aliases {
                assert!(names.insert(a), "duplicate alias {a}");
            }
        }
        assert_eq!(PERMISSIONS.len(), 26);
    }

    #[test]
    fn lookup_by_alias_and_label_normalises_to_id() {
        assert_eq!(permission("read_group").map(|p| p.1.id), Some("read_group_content"));
        assert_eq!(permission("Manage Work Profiles").map(|p| p.1.id), Some("manage_work_profiles"));
        assert_eq!(permission("link_unfurling").map(|p| p.1.id), Some("create_link_previews"));
        assert!(permission("read group content").is_none(), "labels match exactly");
    }

    #[test]
    fn exactly_the_three_seed_permissions_are_group_scoped() {
        let scoped: Vec<_> = PERMISSIONS.iter().filter(|p| p.group_scoped).map(|p| p.id).collect();
        assert_eq!(scoped, ["read_group_content", "manage_group_content", "manage_groups"]);
    }

    #[test]
    fn products_follow_spec_section_1() {
        let ac: Vec<_> = PermissionSet::available_in(Product::AdminCenter).iter().map(|p| p.1.id).collect();
        assert_eq!(ac, ["manage_accounts", "read_security_audit_logs"]);
        let wp = PermissionSet::available_in(Product::Workplace);
        assert_eq!(wp.iter().count(), 25);
        assert!(!wp.contains_id("read_security_audit_logs"));
    }

    #[test]
    fn every_referenced_permission_exists_and_is_canonical() {
        let ids: HashSet<_> = PERMISSIONS.iter().map(|p| p.id).collect();
        for p in &PERMISSIONS {
            for i in p.implies {
                assert!(ids.contains(i), "{} implies unknown {i}", p.id);
            }
        }
        for o in OPERATIONS {
            for g in o.permissions {
                assert!(ids.contains(g.permission), "{} needs unknown {}", o.id, g.permission);
            }
            for r in o.fields {
                for p in r.permissions {
                    assert!(ids.contains(p), "{} field rule needs unknown {p}", o.id);
                }
            }
        }
    }

    #[test]
    fn operation_ids_unique_and_paths_well_formed() {
        let mut seen = HashSet::new();
        for o in OPERATIONS {
            assert!(seen.insert(o.id), "duplicate operation {}", o.id);
            assert!(["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&o.method), "{}", o.id);
            assert!(o.path.starts_with('/'), "{}", o.id);
            let placeholders: Vec<_> = o.path.split('/').filter(|s| s.starts_with('{')).collect();
            assert!(placeholders.len() <= 1, "{}: one id per path", o.id);
            match o.node {
                Some(n) => assert_eq!(placeholders, [n.placeholder()], "{}", o.id),
                None => assert!(placeholders.is_empty(), "{}", o.id),
            }
        }
        let mut routes = HashSet::new();
        for o in OPERATIONS {
            assert!(routes.insert((o.method, o.path)), "two operations for {} {}", o.method, o.path);
        }
    }

    #[test]
    fn spec_rows_exist() {
        for id in [
            "group.read", "group.feed.read", "group.feed.publish", "group.photos.publish", "post.read", "post.delete",
            "post.comments.publish", "member.feed.read", "member.feed.publish", "community.groups.create",
            "group.update", "group.members.add", "group.members.remove", "group.admins.add", "group.members.read",
            "member.groups.read", "community.read", "community.members.read", "community.organization_members.read",
            "member.read", "member.managers.read", "member.reports.read", "member.update", "member.delete",
            "community.accounts.create", "member.badges.award", "member.badges.read", "community.badges.read",
            "messages.send", "member.conversations.read", "message.delete", "community.security_logs.read",
            "member.logout", "link_preview.create", "member.password_reset", "community.export_employee_data",
            "community.reported_content.create", "security_audit_logs.read", "work_get_token",
        ] {
            assert!(operation(id).is_some(), "missing {id}");
        }
        assert!(OPERATIONS.iter().filter(|o| o.id.starts_with("scim.users.")).count() == 6);
        assert!(OPERATIONS.iter().filter(|o| o.id.starts_with("knowledge_library.")).count() >= 6);
    }

    #[test]
    fn every_permission_but_none_is_reachable_by_some_operation() {
        for p in &PERMISSIONS {
            let used = OPERATIONS.iter().any(|o| {
                o.permissions.iter().any(|g| g.permission == p.id) || o.fields.iter().any(|r| r.permissions.contains(&p.id))
            });
            assert!(used, "{} is needed by no operation", p.id);
        }
    }

    #[test]
    fn requirements_follow_fields() {
        let member_read = operation("member.read").unwrap();
        let none: [&str; 0] = [];
        assert_eq!(member_read.requirements(none), vec![vec!["read_user_work_profile", "manage_accounts"]]);
        assert_eq!(
            member_read.requirements(["email", "title", "department"]),
            vec![vec!["read_user_email"], vec!["read_user_work_profile", "manage_work_profiles"]]
        );
        assert_eq!(member_read.requirements(["name"]), vec![vec!["read_user_work_profile", "manage_accounts"]]);
        assert!(operation("work_get_token").unwrap().requirements(none).is_empty());
    }

    #[test]
    fn views_list_permission_ids_and_conditions() {
        let v = crate::json::to_serde(&operation("post.read").unwrap().view());
        assert_eq!(v["permissions"], serde_json::json!(["read_group_content", "mention_bot", "read_user_timeline"]));
        assert_eq!(v["conditions"][1], serde_json::json!({ "permission": "mention_bot", "when": "mentioned", "option": null }));
        assert_eq!(v["group_scoped"], true);
        let send = crate::json::to_serde(&operation("messages.send").unwrap().view());
        assert_eq!(send["conditions"][0]["option"], "group_chats");
        assert_eq!(crate::json::to_serde(&PERMISSIONS[6])["options"][0]["id"], "auto_invite");
    }

    #[test]
    fn implications_add_reading_rights() {
        let mut s = PermissionSet::default();
        s.insert(permission("manage_work_profiles").unwrap().0);
        let s = s.with_implied();
        assert!(s.contains_id("read_user_work_profile") && s.contains_id("read_user_org_chart"));
        assert!(!s.contains_id("read_user_email"));
    }
}
