//! The numeric codes of the envelope and their documented messages.

/// Every non-zero `code` the server answers with, each with the number and the
/// message the documents give it.
///
/// Codes in the documents' tables are listed under the API family that defines
/// them; the few that sixin adds for its own admin API are grouped at the end.
///
/// Messages use full-width punctuation ("消息过长，无法发送"), as the upstream
/// documents and the real service do; the seed copies lost it to ASCII commas
/// when they were flattened (they contain no full-width comma at all).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    // Common to every family.
    /// -101 账号未登录
    NotLoggedIn,
    /// -102 账号被封停 (the caller's account is disabled)
    AccountDisabled,
    /// -111 csrf校验失败
    CsrfFailed,
    /// -400 请求错误
    BadRequest,
    /// -403 访问权限不足
    Forbidden,
    /// -404 啥都木有
    NotFound,
    /// -405 请求方法不支持
    MethodNotAllowed,
    /// -500 服务器错误
    ServerError,

    // Passport (login and logout).
    /// -629 账号或者密码错误
    WrongPassword,
    /// -653 用户名或密码不能为空
    EmptyCredentials,
    /// -625 登录失败次数太多 (common error-code table)
    TooManyLoginFailures,
    /// 2202 csrf 请求非法
    LogoutCsrfInvalid,
    /// 86038 二维码已失效 (QR login: unknown, expired or used key)
    QrExpired,
    /// 86090 二维码已扫码未确认 (QR login: scanned, not confirmed)
    QrScanned,
    /// 86101 未扫码 (QR login: not scanned)
    QrNotScanned,
    /// -799 请求过于频繁，请稍后再试
    TooFrequent,

    // Start-up calls.
    /// 400 参数错误 (GenWebTicket)
    TicketParams,

    // User relations.
    /// 22001 不能对自己进行此操作
    RelationSelf,
    /// 22002 因对方隐私设置，你还不能关注
    RelationPrivacy,
    /// 22003 用户位于黑名单
    RelationBlacklisted,
    /// 22007 访问超过5页
    RelationPageLimit,
    /// 22008 黑名单达到上限
    BlacklistFull,
    /// 22009 关注失败，已达关注上限
    FollowLimit,
    /// 22013 账号已注销，无法完成操作
    AccountDeleted,
    /// 22014 已经关注用户，无法重复关注
    AlreadyFollowing,
    /// 22101 分组名称存在不允许的字符
    TagNameInvalid,
    /// 22102 分组数量超过限制
    TooManyTags,
    /// 22103 分组名过长
    TagNameTooLong,
    /// 22104 该分组不存在
    TagNotFound,
    /// 22105 未关注
    NotFollowing,
    /// 22106 该分组已经存在
    TagExists,
    /// 22115 用户已设置隐私，无法查看
    RelationHidden,
    /// 22120 重复加入黑名单
    AlreadyBlocked,
    /// 40061 用户不存在
    UserNotFound,

    // Private messages.
    /// 2 非法参数
    InvalidParam,
    /// 10005 msgkey不存在
    MsgKeyNotFound,
    /// 21007 消息过长，无法发送
    MsgTooLong,
    /// 21020 你发送消息频率过快，请稍后再发~
    SendTooFast,
    /// 21026 不能给自己发送消息哦~
    SendToSelf,
    /// 21035 该类消息暂时无法发送
    MsgTypeNotSendable,
    /// 21037 图片格式不合法，不要调戏接口啦
    ImageInvalid,
    /// 21041 消息已超期，不能撤回了哦
    RecallExpired,
    /// 21042 消息已经撤回了哦
    AlreadyRecalled,
    /// 21046 你发消息的频率太高了，请在24小时后再发吧~
    SendBanned24h,
    /// 21047 对方主动回复或关注你前，最多发送1条消息~
    StrangerLimit,
    /// 25003 因对方隐私设置，暂无法给他发送聊天消息
    ReceiverPrivacy,
    /// 25005 你已拉黑了对方，请先将对方移出黑名单后才能聊天
    ReceiverBlocked,
    /// 1000004 入口节点已存在
    SessionNotFound,
    /// 1900004 添加失败，屏蔽词限制最多20个字
    BlockWordTooLong,
    /// 1900005 添加失败，最多可以添加200个屏蔽词
    TooManyBlockWords,
    /// 1900006 添加失败，屏蔽词重复
    BlockWordExists,
    /// 1900007 添加失败，屏蔽词不支持空格
    BlockWordSpace,
    /// 700009 权限不足 (turning automatic replies on without enough fans)
    NoPermission,
    /// 700013 已解散QAQ，无法执行此操作 (a dissolved fan group)
    GroupDissolved,
    /// 700014 你已不在此同萌中QAQ，无法执行此操作 (not a member of the fan group)
    NotInGroup,

    // Automatic replies.
    /// 27011 请求参数错误
    ReplyParams,
    /// 1500001 自动回复内容太长
    ReplyTooLong,
    /// 1500002 规则数量已达上限，请删除后新建
    TooManyReplyRules,
    /// 1003 不能删除别人的规则
    NotYourRule,

    // Customer service.
    /// 1000011 仅支持上传300M内的文件
    UploadTooLarge,
    /// 1200201 获取用户信息失败
    UploadUserMismatch,

    // sixin's own admin API.
    /// -409 资源已存在 (a mid or user name already taken)
    Conflict,
}

impl Code {
    /// The number that goes into the envelope's `code`.
    pub const fn number(self) -> i64 {
        match self {
            Code::NotLoggedIn => -101,
            Code::AccountDisabled => -102,
            Code::CsrfFailed => -111,
            Code::BadRequest => -400,
            Code::Forbidden => -403,
            Code::NotFound => -404,
            Code::MethodNotAllowed => -405,
            Code::ServerError => -500,
            Code::WrongPassword => -629,
            Code::EmptyCredentials => -653,
            Code::TooManyLoginFailures => -625,
            Code::LogoutCsrfInvalid => 2202,
            Code::QrExpired => 86038,
            Code::QrScanned => 86090,
            Code::QrNotScanned => 86101,
            Code::TooFrequent => -799,
            Code::TicketParams => 400,
            Code::RelationSelf => 22001,
            Code::RelationPrivacy => 22002,
            Code::RelationBlacklisted => 22003,
            Code::RelationPageLimit => 22007,
            Code::BlacklistFull => 22008,
            Code::FollowLimit => 22009,
            Code::AccountDeleted => 22013,
            Code::AlreadyFollowing => 22014,
            Code::TagNameInvalid => 22101,
            Code::TooManyTags => 22102,
            Code::TagNameTooLong => 22103,
            Code::TagNotFound => 22104,
            Code::NotFollowing => 22105,
            Code::TagExists => 22106,
            Code::RelationHidden => 22115,
            Code::AlreadyBlocked => 22120,
            Code::UserNotFound => 40061,
            Code::InvalidParam => 2,
            Code::MsgKeyNotFound => 10005,
            Code::MsgTooLong => 21007,
            Code::SendTooFast => 21020,
            Code::SendToSelf => 21026,
            Code::MsgTypeNotSendable => 21035,
            Code::ImageInvalid => 21037,
            Code::RecallExpired => 21041,
            Code::AlreadyRecalled => 21042,
            Code::SendBanned24h => 21046,
            Code::StrangerLimit => 21047,
            Code::ReceiverPrivacy => 25003,
            Code::ReceiverBlocked => 25005,
            Code::SessionNotFound => 1000004,
            Code::BlockWordTooLong => 1900004,
            Code::TooManyBlockWords => 1900005,
            Code::BlockWordExists => 1900006,
            Code::BlockWordSpace => 1900007,
            Code::NoPermission => 700009,
            Code::GroupDissolved => 700013,
            Code::NotInGroup => 700014,
            Code::ReplyParams => 27011,
            Code::ReplyTooLong => 1500001,
            Code::TooManyReplyRules => 1500002,
            Code::NotYourRule => 1003,
            Code::UploadTooLarge => 1000011,
            Code::UploadUserMismatch => 1200201,
            Code::Conflict => -409,
        }
    }

    /// The message that goes into the envelope's `message` (and `msg`).
    pub const fn message(self) -> &'static str {
        match self {
            Code::NotLoggedIn => "账号未登录",
            Code::AccountDisabled => "账号被封停",
            Code::CsrfFailed => "csrf校验失败",
            Code::BadRequest => "请求错误",
            Code::Forbidden => "访问权限不足",
            Code::NotFound => "啥都木有",
            Code::MethodNotAllowed => "请求方法不支持",
            Code::ServerError => "服务器错误",
            Code::WrongPassword => "账号或者密码错误",
            Code::EmptyCredentials => "用户名或密码不能为空",
            Code::TooManyLoginFailures => "登录失败次数太多",
            Code::LogoutCsrfInvalid => "csrf 请求非法",
            Code::QrExpired => "二维码已失效",
            Code::QrScanned => "二维码已扫码未确认",
            Code::QrNotScanned => "未扫码",
            Code::TooFrequent => "请求过于频繁，请稍后再试",
            Code::TicketParams => "参数错误",
            Code::RelationSelf => "不能对自己进行此操作",
            Code::RelationPrivacy => "因对方隐私设置，你还不能关注",
            Code::RelationBlacklisted => "用户位于黑名单",
            Code::RelationPageLimit => "访问超过5页",
            Code::BlacklistFull => "黑名单达到上限",
            Code::FollowLimit => "关注失败，已达关注上限",
            Code::AccountDeleted => "账号已注销，无法完成操作",
            Code::AlreadyFollowing => "已经关注用户，无法重复关注",
            Code::TagNameInvalid => "分组名称存在不允许的字符",
            Code::TooManyTags => "分组数量超过限制",
            Code::TagNameTooLong => "分组名过长",
            Code::TagNotFound => "该分组不存在",
            Code::NotFollowing => "未关注",
            Code::TagExists => "该分组已经存在",
            Code::RelationHidden => "用户已设置隐私，无法查看",
            Code::AlreadyBlocked => "重复加入黑名单",
            Code::UserNotFound => "用户不存在",
            Code::InvalidParam => "非法参数",
            Code::MsgKeyNotFound => "msgkey不存在",
            Code::MsgTooLong => "消息过长，无法发送",
            Code::SendTooFast => "你发送消息频率过快，请稍后再发~",
            Code::SendToSelf => "不能给自己发送消息哦~",
            Code::MsgTypeNotSendable => "该类消息暂时无法发送",
            Code::ImageInvalid => "图片格式不合法，不要调戏接口啦",
            Code::RecallExpired => "消息已超期，不能撤回了哦",
            Code::AlreadyRecalled => "消息已经撤回了哦",
            Code::SendBanned24h => "你发消息的频率太高了，请在24小时后再发吧~",
            Code::StrangerLimit => "对方主动回复或关注你前，最多发送1条消息~",
            Code::ReceiverPrivacy => "因对方隐私设置，暂无法给他发送聊天消息",
            Code::ReceiverBlocked => "你已拉黑了对方，请先将对方移出黑名单后才能聊天",
            Code::SessionNotFound => "入口节点已存在",
            Code::BlockWordTooLong => "添加失败，屏蔽词限制最多20个字",
            Code::TooManyBlockWords => "添加失败，最多可以添加200个屏蔽词",
            Code::BlockWordExists => "添加失败，屏蔽词重复",
            Code::BlockWordSpace => "添加失败，屏蔽词不支持空格",
            Code::NoPermission => "权限不足",
            Code::GroupDissolved => "已解散QAQ，无法执行此操作",
            Code::NotInGroup => "你已不在此同萌中QAQ，无法执行此操作",
            Code::ReplyParams => "请求参数错误",
            Code::ReplyTooLong => "自动回复内容太长",
            Code::TooManyReplyRules => "规则数量已达上限，请删除后新建",
            Code::NotYourRule => "不能删除别人的规则",
            Code::UploadTooLarge => "仅支持上传300M内的文件",
            Code::UploadUserMismatch => "获取用户信息失败",
            Code::Conflict => "资源已存在",
        }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.number(), self.message())
    }
}
