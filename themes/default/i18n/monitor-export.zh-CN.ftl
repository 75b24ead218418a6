# Messages of static export, the tampering ledger and the standards check.

export-tamper-file-altered = 网站 { $site } 静态导出文件 { $path } 与平台生成过的任何版本都不一致，疑似被篡改，已按数据库内容重新生成。
export-tamper-file-missing = 网站 { $site } 静态导出文件 { $path } 缺失，已按数据库内容重新生成。
export-tamper-file-unexpected = 网站 { $site } 静态导出目录中出现清单之外的文件 { $path }，疑似被植入，已删除。
export-tamper-served-altered = 网站 { $site } 经公网地址 { $location } 取得的页面与平台生成过的任何版本都不一致，疑似在传输或缓存中被篡改，已清除本节点缓存中的该页面。
