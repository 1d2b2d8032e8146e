// libedit through its readline-compatible interface: el_set is variadic and Swift
// cannot call variadic C functions, so the REPL uses readline(), add_history() and
// rl_attempted_completion_function instead.
#include <stdio.h>
#include <editline/readline.h>
