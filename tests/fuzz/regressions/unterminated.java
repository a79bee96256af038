class A { void f() { String s = "unterminated
/* never closed
