# Messages of the availability probe and security signals.

probe-veto = Home page availability crossed the veto line: { $failures } of { $visits } visits in { $days } day(s) did not open within 15 seconds, { $percent }% (the line is 5%)
probe-warning-streak = The home page failed to open { $count } times in a row: { $reason }
probe-warning-share = { $failures } of { $visits } visits to the home page failed today, { $percent }%; find the cause before the 5% veto line
signals-sign-in-account = { $count } failed { $kind ->
    [admin] staff
   *[citizen] citizen
  } sign-ins to account { $account } within { $minutes } minutes
signals-sign-in-network = { $count } failed { $kind ->
    [admin] staff
   *[citizen] citizen
  } sign-ins from network { $network } to { $accounts } account(s) within { $minutes } minutes
signals-rate-spike = One address of network { $network } sent { $count } requests within { $seconds } seconds
signals-scanner = Network { $network } sent { $count } scanner request(s) ({ $patterns })
