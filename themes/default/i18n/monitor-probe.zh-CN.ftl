# Messages of the availability probe and security signals.

probe-veto = 首页可访问性触及单项否决线：近 { $days } 天监测 { $visits } 次，{ $failures } 次超过 15 秒仍打不开，占 { $percent }%（否决线 5%）
probe-warning-streak = 首页连续 { $count } 次打不开：{ $reason }
probe-warning-share = 首页今日监测 { $visits } 次，{ $failures } 次打不开，占 { $percent }%，请在触及 5% 否决线前排查
signals-sign-in-account = { $kind ->
    [admin] 管理后台
   *[citizen] 公众用户
  }账户 { $account } 在 { $minutes } 分钟内登录失败 { $count } 次
signals-sign-in-network = 来自网段 { $network } 的{ $kind ->
    [admin] 管理后台
   *[citizen] 公众用户
  }登录在 { $minutes } 分钟内失败 { $count } 次，涉及 { $accounts } 个账户
signals-rate-spike = 网段 { $network } 中的一个地址在 { $seconds } 秒内发出 { $count } 次请求
signals-scanner = 网段 { $network } 发出 { $count } 次扫描探测请求（{ $patterns }）
