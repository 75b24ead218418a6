# Messages of the link check.

links-check-name = 链接可用性
links-broken-home = 首页链接不可用：{ $page } 上的链接 { $target } { links-problem }
links-broken-inner = 页面链接不可用：{ $page } 上的链接 { $target } { links-problem }
links-problem = { $problem ->
    [missing-fragment] 指向的锚点在目标页面中不存在
    [timeout] 请求超时
    [private-address] 指向内网地址，未检查
    [redirect-loop] 陷入循环跳转
    [too-many-redirects] 跳转次数过多
    [rate-limited] 被对方限流，暂未核实
    [network] 无法连接
    [invalid-url] 地址格式错误
   *[other] 返回 HTTP { $problem }
}
