"""click's own words (usage errors, `--help`'s headings) in Chinese, as the rest of mubiao speaks.

click looks its messages up through `gettext`, in the default domain, at the moment it shows them; mubiao has
no catalogue file to install, so `install()` puts a lookup in front of `gettext.dgettext`/`dngettext` that
answers click's messages from WORDS and passes every other message on unchanged. The format fields
(`{name!r}`, `{param_hint}`) stay as click fills them; type names (FILE, DIRECTORY, TEXT) stay English, as the
metavars of `--help` (click aligns its columns by characters, and Chinese ones are two cells wide).
"""

from __future__ import annotations

import gettext

WORDS = {
    "Usage:": "用法:",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Error: {message}": "error: {message}",  # as mubiao's own errors begin (docs/contract.md §6)
    "Try '{command} {option}' for help.": "运行 '{command} {option}' 查看帮助。",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "Aborted!": "已中止。",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "No such option: {name}": "没有选项:{name}",
    "Did you mean {possibility}?": "是不是 {possibility}?",
    "(Did you mean one of: {possibilities}?)": "(是不是其中之一:{possibilities}?)",
    "Missing command.": "缺少命令。",
    "Missing option": "缺少选项",
    "Missing argument": "缺少参数",
    "Missing parameter": "缺少参数",
    "Missing parameter: {param_name}": "缺少参数:{param_name}",
    "Missing {param_type}": "缺少{param_type}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效:{message}",
    "Invalid value: {message}": "值无效:{message}",
    "Option {name!r} does not take a value.": "选项 {name!r} 不带值。",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。",
    "Got unexpected extra argument ({args})": "多出了参数({args})",
    "Got unexpected extra arguments ({args})": "多出了参数({args})",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "{value!r} is not one of {choices}.": "{value!r} 不是可选值 {choices} 之一。",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} does not match the format {format}.": "{value!r} 不符合格式 {format}。",
    "{value!r} does not match the formats {formats}.": "{value!r} 不符合格式 {formats}。",
    "{name} {filename!r} does not exist.": "{filename!r} 不存在。",
    "{name} {filename!r} is a directory.": "{filename!r} 是文件夹,不是文件。",
    "{name} {filename!r} is a file.": "{filename!r} 是文件,不是文件夹。",
    "{name} {filename!r} is not readable.": "{filename!r} 不可读。",
    "{name} {filename!r} is not writable.": "{filename!r} 不可写。",
    "{name} {filename!r} is not executable.": "{filename!r} 不可执行。",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}:{message}",
    "default: {default}": "默认:{default}",
    "env var: {var}": "环境变量:{var}",
    "required": "必填",
}

#: typer's texts for the options it adds itself (not looked up through gettext).
COMPLETION_HELP = {
    "install_completion": "为当前的 shell 安装命令补全。",
    "show_completion": "显示当前 shell 的补全脚本,以便复制或自行安装。",
}

_installed = False


def install() -> None:
    """Answer click's messages in Chinese from now on (once per process)."""
    global _installed
    if _installed:
        return
    _installed = True
    plain, plural = gettext.dgettext, gettext.dngettext

    def dgettext(domain: str | None, message: str) -> str:
        return WORDS.get(message) or plain(domain, message)

    def dngettext(domain: str | None, singular: str, many: str, n: int) -> str:
        chosen = singular if n == 1 else many
        return WORDS.get(chosen) or plural(domain, singular, many, n)

    gettext.dgettext = dgettext  # type: ignore[assignment]
    gettext.dngettext = dngettext  # type: ignore[assignment]
