import VisLang
import XCTest

/// Tracebacks: an error that came out of calls of user code shows each frame,
/// outermost first, then the usual three-line error (see Traceback.swift).
final class TracebackTests: XCTestCase {
    /// The error `source` stops with, run as `t.vis` in a session with the stdlib, as
    /// `vis` prints it (nil when it ran to the end).
    func rendered(_ source: String) -> String? {
        onThread(stackSize: 512 << 20) { () -> String? in
            let session = Session(output: { _ in })
            do {
                try session.loadLibrary(TestPaths.stdlib.path)
                try session.run(source: source, name: "t.vis")
                return nil
            } catch let e as VisError {
                return Diagnostic.render(e)
            } catch {
                return "not a vis error: \(error)"
            }
        }
    }

    func testFunctionCallsShowEveryFrameOutermostFirst() {
        let source = """
        fn g(x) {
          return x + missing_thing
        }
        fn f(x) {
          y = g(x)
          return y
        }
        f(1)
        """
        XCTAssertEqual(rendered(source), """
        traceback (most recent call last):
          t.vis:8:1 in <top level>
            f(1)
          t.vis:5:7 in f
            y = g(x)
          t.vis:2:14 in g
            return x + missing_thing
        t.vis:2:14: error: name 'missing_thing' is not defined
              return x + missing_thing
                         ^~~~~~~~~~~~~
        """)
    }

    func testAnErrorAtTheTopLevelKeepsTheThreeLineForm() {
        XCTAssertEqual(rendered("x = 1\ny = x + missing_thing"), """
        t.vis:2:9: error: name 'missing_thing' is not defined
            y = x + missing_thing
                    ^~~~~~~~~~~~~
        """)
        // A function that returned does not leave frames behind for a later error.
        XCTAssertEqual(rendered("fn f() { return 1 }\nf()\ny = f() + missing_thing"), """
        t.vis:3:11: error: name 'missing_thing' is not defined
            y = f() + missing_thing
                      ^~~~~~~~~~~~~
        """)
    }

    func testModelForwardMethodsAndBody() {
        let source = """
        model Net() {
          w = ones(3)
          fn forward(x) {
            return self.helper(x) * 2
          }
          fn helper(x) { return x @ ones(4) }
        }
        net = Net()
        out = net(ones(3))
        """
        let r = rendered(source) ?? ""
        XCTAssertTrue(r.hasPrefix("""
        traceback (most recent call last):
          t.vis:9:7 in <top level>
            out = net(ones(3))
          t.vis:4:12 in Net.forward
            return self.helper(x) * 2
          t.vis:6:25 in Net.helper
            fn helper(x) { return x @ ones(4) }
        t.vis:6:25: error: matmul: shapes [3] and [4] do not align (3 != 4)
        """), r)
        XCTAssertTrue(r.hasSuffix("\n      fn helper(x) { return x @ ones(4) }\n                            ^~~~~~~~~~~"), r)

        let body = "model Net(n) {\n  a = ones(n)\n  b = a + missing_thing\n}\nfn build() { return Net(2) }\nnet = build()"
        XCTAssertEqual(rendered(body), """
        traceback (most recent call last):
          t.vis:6:7 in <top level>
            net = build()
          t.vis:5:21 in build
            fn build() { return Net(2) }
          t.vis:3:11 in Net.__init__
            b = a + missing_thing
        t.vis:3:11: error: name 'missing_thing' is not defined
              b = a + missing_thing
                      ^~~~~~~~~~~~~
        """)
    }

    func testLayerErrorsKeepTheirPathAndGetFramesOutsideModels() {
        // Inside models' code the layer error gathers its path (net.head); from a plain
        // function's call on, it is located and gets frames.
        let source = "model Net() {\n  head = Linear(4, 3)\n  fn forward(x) { return self.head(x) }\n}\nnet = Net()\nfn run() {\n  return net(ones(2, 5))\n}\nrun()"
        let r = rendered(source) ?? ""
        XCTAssertTrue(r.hasPrefix("""
        traceback (most recent call last):
          t.vis:9:1 in <top level>
            run()
          t.vis:7:10 in run
            return net(ones(2, 5))
        t.vis:7:10: error: net.head (Linear): linear: expected input with 4 features
        """), r)
        // At the top level it is reported at the statement, as before.
        let top = rendered("model Net() {\n  head = Linear(4, 3)\n  fn forward(x) { return self.head(x) }\n}\nnet = Net()\ny = net(ones(2, 5))") ?? ""
        XCTAssertTrue(top.hasPrefix("t.vis:6:1: error: net.head (Linear): "), top)
    }

    func testGetitemLambdaAndComprehensions() {
        let getitem = "model Data() {\n  fn __getitem__(i) { return 10 / i }\n}\nd = Data()\nx = d[0]"
        XCTAssertEqual(rendered(getitem).map { $0.components(separatedBy: "\n").prefix(5).joined(separator: "\n") }, """
        traceback (most recent call last):
          t.vis:5:5 in <top level>
            x = d[0]
          t.vis:2:30 in Data.__getitem__
            fn __getitem__(i) { return 10 / i }
        """)
        // A native (sorted) calling a lambda back: the sorted call, then the lambda.
        let lambda = rendered("f = lambda x: x + missing_thing\nys = sorted([1, 2], key=f)") ?? ""
        XCTAssertTrue(lambda.hasPrefix("""
        traceback (most recent call last):
          t.vis:2:6 in <top level>
            ys = sorted([1, 2], key=f)
          t.vis:1:19 in <fn>
            f = lambda x: x + missing_thing
        t.vis:1:19: error: name 'missing_thing' is not defined
        """), lambda)
        // A list comprehension runs in its function's frame (as Python 3.12 shows it).
        let comprehension = rendered("fn f(xs) {\n  return [x / 0 for x in xs]\n}\nf([1])") ?? ""
        XCTAssertTrue(comprehension.hasPrefix("""
        traceback (most recent call last):
          t.vis:4:1 in <top level>
            f([1])
          t.vis:2:11 in f
            return [x / 0 for x in xs]
        t.vis:2:11: error:
        """), comprehension)
        // A generator runs when pulled: its frame is `<genexpr>`, under the call pulling it.
        let generator = rendered("fn f(xs) {\n  return sum(x / 0 for x in xs)\n}\nf([1])") ?? ""
        XCTAssertTrue(generator.hasPrefix("""
        traceback (most recent call last):
          t.vis:4:1 in <top level>
            f([1])
          t.vis:2:10 in f
            return sum(x / 0 for x in xs)
          t.vis:2:14 in <genexpr>
            return sum(x / 0 for x in xs)
        t.vis:2:14: error:
        """), generator)
    }

    func testDeepRecursionCollapsesRepeatedFrames() {
        let r = rendered("fn down(n) {\n  return down(n + 1)\n}\ndown(0)") ?? ""
        XCTAssertTrue(r.hasPrefix("""
        traceback (most recent call last):
          t.vis:4:1 in <top level>
            down(0)
          t.vis:2:10 in down
            return down(n + 1)
          t.vis:2:10 in down
            return down(n + 1)
          t.vis:2:10 in down
            return down(n + 1)
          [previous line repeated 397 more times]
        t.vis:2:10: error: maximum recursion depth (400) exceeded in down()
        """), r)
        // Frames that alternate do not repeat: the traceback is cut to its limit.
        let mutual = rendered("fn a(n) { return b(n) }\nfn b(n) { return a(n) }\na(0)") ?? ""
        let frames = mutual.components(separatedBy: "\n").filter { $0.hasPrefix("  t.vis:") }
        XCTAssertEqual(frames.count, Diagnostic.tracebackLimit, mutual)
        XCTAssertTrue(mutual.contains("\n  ... 371 more frames ...\n"), mutual)
        XCTAssertTrue(frames[0].hasSuffix("in <top level>"), mutual)
    }

    func testStdlibFramesAreLeftOutButCallbacksKeepTheirs() {
        // predict (stdlib) calls the model: the user's predict(...) call, then forward.
        let callback = "model Net() {\n  fn forward(x) { return x + missing_thing }\n}\np = predict(Net(), ones(2))"
        XCTAssertEqual(rendered(callback), """
        traceback (most recent call last):
          t.vis:4:5 in <top level>
            p = predict(Net(), ones(2))
          t.vis:2:30 in Net.forward
            fn forward(x) { return x + missing_thing }
        t.vis:2:30: error: name 'missing_thing' is not defined
              fn forward(x) { return x + missing_thing }
                                         ^~~~~~~~~~~~~
        """)
        // An error in the stdlib itself points at the user's call, with no frames.
        let inside = rendered("p = predict(5, ones(2))") ?? ""
        XCTAssertTrue(inside.hasPrefix("t.vis:1:5: error: "), inside)
        XCTAssertFalse(inside.contains("traceback"), inside)
        XCTAssertFalse(inside.contains("train.vis"), inside)
        // ...and from a user function, the frames down to that call.
        let nested = rendered("fn go() {\n  return predict(5, ones(2))\n}\ngo()") ?? ""
        XCTAssertTrue(nested.hasPrefix("""
        traceback (most recent call last):
          t.vis:4:1 in <top level>
            go()
          t.vis:2:10 in go
            return predict(5, ones(2))
        t.vis:2:10: error:
        """), nested)
    }

    func testCaughtErrorsAndRaise() {
        // Caught: nothing printed, the run goes on.
        XCTAssertNil(rendered("fn f() { return 1 / 0 }\ntry {\n  f()\n} except ZeroDivisionError {\n  x = 1\n}"))
        // A bare raise re-raises with the original traceback.
        let bare = "fn f() {\n  return 1 / 0\n}\nfn g() {\n  try {\n    f()\n  } except ZeroDivisionError {\n    raise\n  }\n}\ng()"
        XCTAssertTrue(rendered(bare)?.hasPrefix("""
        traceback (most recent call last):
          t.vis:11:1 in <top level>
            g()
          t.vis:6:5 in g
            f()
          t.vis:2:10 in f
            return 1 / 0
        t.vis:2:10: error: division by zero
        """) ?? false, rendered(bare) ?? "")
        // raise e: the raise line, then the frames it was first raised through (as Python).
        let named = "fn f() {\n  return 1 / 0\n}\nfn g() {\n  try {\n    f()\n  } except ZeroDivisionError as e {\n    raise e\n  }\n}\ng()"
        XCTAssertTrue(rendered(named)?.hasPrefix("""
        traceback (most recent call last):
          t.vis:11:1 in <top level>
            g()
          t.vis:8:5 in g
            raise e
          t.vis:6:5 in g
            f()
          t.vis:2:10 in f
            return 1 / 0
        t.vis:2:10: error: ZeroDivisionError: division by zero
        """) ?? false, rendered(named) ?? "")
    }

    func testNotebookOneLineFormHasNoTraceback() {
        let source = "fn f() {\n  return 1 / 0\n}\nf()"
        let e = onThread(stackSize: 512 << 20) { () -> VisError? in
            do { try Session(output: { _ in }).run(source: source, name: "t.vis"); return nil } catch { return error as? VisError }
        }
        guard let e else { return XCTFail("no error") }
        XCTAssertEqual(Diagnostic.oneLine(e), "error: division by zero (line 2, column 10)")
        XCTAssertTrue(Diagnostic.render(e).hasPrefix("traceback (most recent call last):\n"))
        XCTAssertTrue(Diagnostic.threeLines(e).hasPrefix("t.vis:2:10: error: division by zero\n"))
    }
}
