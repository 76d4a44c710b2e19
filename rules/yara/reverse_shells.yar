// Command lines of reverse shells, as payloads embed them.

rule reverse_shell_command
{
    meta:
        description = "reverse shell command line"
    strings:
        $dev_tcp = /\/dev\/(tcp|udp)\/[0-9A-Za-z.\-]{1,253}\/[0-9]{1,5}/
        $bash_i = /(ba)?sh -i\s*[>&]/
        $nc_exec = /\bnc(at)?\s[^\n]{0,64}-(e|c)\s*\/bin\/(ba|z)?sh/
        $mkfifo = /mkfifo\s[^\n]{0,64}\/bin\/(ba|z)?sh/
        $pty_spawn = /pty\.spawn\(['"]\/bin\/(ba|z)?sh/
        $socket_dup = /socket\.socket\([^\n]{0,160}\.connect\(\([^\n]{0,200}os\.dup2\(/
    condition:
        any of them
}
