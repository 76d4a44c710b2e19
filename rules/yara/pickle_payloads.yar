// Known payloads of malicious pickles: imports of command and code execution functions as the
// GLOBAL/INST opcodes (protocols 0-3: "module\nname\n") and STACK_GLOBAL (protocol 4+: two
// SHORT_BINUNICODE strings, perhaps with a memo opcode between) write them. The allow-list of
// globals is the real defence; these name the payload in the report and catch it in streams the
// pickle parser does not reach (trailing data, entries that are not pickles).

rule pickle_global_command_execution
{
    meta:
        description = "pickle GLOBAL/INST import of a command or code execution function"
    strings:
        $system = /(os|posix|nt)\n(system|popen|execv|execve|execl|spawnv|spawnl)\n/
        $subprocess = /subprocess\n(Popen|call|check_call|check_output|run|getoutput|getstatusoutput)\n/
        $builtins = /(builtins|__builtin__)\n(eval|exec|execfile|compile|__import__|getattr|open)\n/
        $pty = "pty\nspawn\n"
        $runpy = /runpy\n_run_(code|module_code)\n/
    condition:
        any of them
}

rule pickle_stack_global_command_execution
{
    meta:
        description = "pickle STACK_GLOBAL import of a command or code execution function"
    strings:
        $system = /\x8c(\x02os|\x05posix|\x02nt)[\x00-\xff]{0,5}\x8c[\x05-\x06](system|popen|execv)/
        $subprocess = /\x8c\x0asubprocess[\x00-\xff]{0,5}\x8c[\x03-\x10](Popen|call|check_call|check_output|run|getoutput)/
        $builtins = /\x8c(\x08builtins|\x0b__builtin__)[\x00-\xff]{0,5}\x8c[\x04-\x0a](eval|exec|compile|__import__|getattr)/
    condition:
        any of them
}

rule python_command_execution_source
{
    meta:
        description = "Python source calling a shell or evaluating code"
    strings:
        $os_system = "os.system("
        $os_popen = "os.popen("
        $subprocess = /subprocess\.(Popen|call|check_call|check_output|run|getoutput)\(/
        $import_os = /__import__\(['"](os|subprocess|pty|socket)['"]\)/
    condition:
        any of them
}
