using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Conformance;

internal sealed class TaskGroupMyExc : Exception
{
}

internal sealed class TaskGroupCustomException : Exception
{
}

/// <summary>The <c>@contextlib.asynccontextmanager</c> of the CPython test: its exit raises.</summary>
internal sealed class TaskGroupDatabase : AbstractAsyncContextManager<TaskGroupDatabase>
{
#pragma warning disable CS1998
    public override async Coroutine<TaskGroupDatabase> AEnter() => this;

    public override async Coroutine<bool> AExit(Exception? exc) => throw new TaskGroupCustomException();
#pragma warning restore CS1998
}

/// <summary>Ports of CPython's test_asyncio/test_taskgroups.py. <c>async with TaskGroup() as g:</c> is <c>await new TaskGroup().Run(async g =&gt; ...)</c>.</summary>
public class TestTaskGroup : AsyncLoopTestCase
{
    private static HashSet<Type> GetErrorTypes(ExceptionGroup eg) => eg.Exceptions.Select(e => e.GetType()).ToHashSet();

    private static async Coroutine<int> Sleeper(double delay, int result)
    {
        await Asyncio.Sleep(delay);
        return result;
    }

    private static async Coroutine CrashAfter(double delay)
    {
        await Asyncio.Sleep(delay);
        throw new DivideByZeroException();
    }

    private static async Coroutine SleepThenCrash(double delay)
    {
        try
        {
            await Asyncio.Sleep(delay);
        }
        finally
        {
            throw new DivideByZeroException();
        }
    }

    [Fact]
    public void test_taskgroup_01() => RunAsync(async () =>
    {
        AsyncioTask<int>? t1 = null, t2 = null;
        await new TaskGroup().Run(async g =>
        {
            t1 = g.CreateTask(Sleeper(0.1, 42));
            t2 = g.CreateTask(Sleeper(0.2, 11));
            await Asyncio.Sleep(0);
        });
        Assert.Equal(42, t1!.Result());
        Assert.Equal(11, t2!.Result());
    });

    [Fact]
    public void test_taskgroup_02() => RunAsync(async () =>
    {
        AsyncioTask<int>? t1 = null, t2 = null;
        await new TaskGroup().Run(async g =>
        {
            t1 = g.CreateTask(Sleeper(0.1, 42));
            await Asyncio.Sleep(0.15);
            t2 = g.CreateTask(Sleeper(0.2, 11));
        });
        Assert.Equal(42, t1!.Result());
        Assert.Equal(11, t2!.Result());
    });

    [Fact]
    public void test_taskgroup_03() => RunAsync(async () =>
    {
        AsyncioTask<int>? t1 = null, t2 = null;
        await new TaskGroup().Run(async g =>
        {
            t1 = g.CreateTask(Sleeper(1, 42));
            await Asyncio.Sleep(0.15);
            // Cancel t1 explicitly: everything else goes on working.
            t1.Cancel();
            t2 = g.CreateTask(Sleeper(0.2, 11));
        });
        Assert.True(t1!.Cancelled());
        Assert.Equal(11, t2!.Result());
    });

    [Fact]
    public void test_taskgroup_04() => RunAsync(async () =>
    {
        var num = 0;
        var t2Cancel = false;
        AsyncioTask? t2 = null;

        async Coroutine Foo2()
        {
            try
            {
                await Asyncio.Sleep(1);
            }
            catch (CancelledError)
            {
                t2Cancel = true;
                throw;
            }
            num += 1;
        }

        async Coroutine Runner()
        {
            await new TaskGroup().Run(async g =>
            {
                g.CreateTask(CrashAfter(0.1));
                t2 = g.CreateTask(Foo2());
                await Asyncio.Sleep(0);
            });
            num += 10;
        }

        var eg = await AssertRaisesAsync<ExceptionGroup>(async () => await Asyncio.CreateTask(Runner()));
        Assert.Equal(new HashSet<Type> { typeof(DivideByZeroException) }, GetErrorTypes(eg));
        Assert.Equal(0, num);
        Assert.True(t2Cancel);
        Assert.True(t2!.Cancelled());
    });

    [Fact]
    public void test_cancel_children_on_child_error() => RunAsync(async () =>
    {
        var num = 0;
        var t2Cancel = false;
        var runnerCancel = false;

        async Coroutine Foo2()
        {
            try
            {
                await Asyncio.Sleep(5);
            }
            catch (CancelledError)
            {
                t2Cancel = true;
                throw;
            }
            num += 1;
        }

        async Coroutine Runner()
        {
            await new TaskGroup().Run(async g =>
            {
                g.CreateTask(CrashAfter(0.1));
                g.CreateTask(CrashAfter(0.1));
                g.CreateTask(CrashAfter(0.1));
                g.CreateTask(Foo2());
                try
                {
                    await Asyncio.Sleep(10);
                }
                catch (CancelledError)
                {
                    runnerCancel = true;
                    throw;
                }
            });
            num += 10;
        }

        var eg = await AssertRaisesAsync<ExceptionGroup>(async () => await Asyncio.CreateTask(Runner()));
        Assert.Equal(new HashSet<Type> { typeof(DivideByZeroException) }, GetErrorTypes(eg));
        Assert.Equal(0, num);
        Assert.True(t2Cancel);
        Assert.True(runnerCancel);
    });

    [Fact]
    public void test_cancellation() => RunAsync(async () =>
    {
        var num = 0;

        async Coroutine Foo()
        {
            try
            {
                await Asyncio.Sleep(5);
            }
            catch (CancelledError)
            {
                num += 1;
                throw;
            }
        }

        async Coroutine Runner()
        {
            await new TaskGroup().Run(async g =>
            {
                for (var i = 0; i < 5; i++)
                {
                    g.CreateTask(Foo());
                }
                await Asyncio.Sleep(0);
            });
        }

        var r = Asyncio.CreateTask(Runner());
        await Asyncio.Sleep(0.1);
        Assert.False(r.Done());
        r.Cancel();
        await AssertRaisesAsync<CancelledError>(async () => await r);
        Assert.Equal(5, num);
    });

    [Fact]
    public void test_taskgroup_07() => RunAsync(async () =>
    {
        var num = 0;

        async Coroutine Foo()
        {
            try
            {
                await Asyncio.Sleep(5);
            }
            catch (CancelledError)
            {
                num += 1;
                throw;
            }
        }

        async Coroutine Runner()
        {
            await new TaskGroup().Run(async g =>
            {
                for (var i = 0; i < 5; i++)
                {
                    g.CreateTask(Foo());
                }
                try
                {
                    await Asyncio.Sleep(10);
                }
                catch (CancelledError)
                {
                    num += 10;
                    throw;
                }
            });
        }

        var r = Asyncio.CreateTask(Runner());
        await Asyncio.Sleep(0.1);
        Assert.False(r.Done());
        r.Cancel();
        await AssertRaisesAsync<CancelledError>(async () => await r);
        Assert.Equal(15, num);
    });

    [Fact]
    public void test_taskgroup_08() => RunAsync(async () =>
    {
        async Coroutine Runner()
        {
            await new TaskGroup().Run(async g =>
            {
                for (var i = 0; i < 5; i++)
                {
                    g.CreateTask(SleepThenCrash(10));
                }
                await Asyncio.Sleep(10);
            });
        }

        var r = Asyncio.CreateTask(Runner());
        await Asyncio.Sleep(0.1);
        Assert.False(r.Done());
        r.Cancel();
        var eg = await AssertRaisesAsync<ExceptionGroup>(async () => await r);
        Assert.Equal(new HashSet<Type> { typeof(DivideByZeroException) }, GetErrorTypes(eg));
    });

    [Fact]
    public void test_taskgroup_09() => RunAsync(async () =>
    {
        AsyncioTask? t1 = null, t2 = null;

        async Coroutine Runner()
        {
            await new TaskGroup().Run(async g =>
            {
                t1 = g.CreateTask(Sleeper(1, 42));
                t2 = g.CreateTask(Sleeper(2, 11));
                await Asyncio.Sleep(0.1);
                throw new DivideByZeroException();
            });
        }

        var eg = await AssertRaisesAsync<ExceptionGroup>(Runner);
        Assert.Equal(new HashSet<Type> { typeof(DivideByZeroException) }, GetErrorTypes(eg));
        Assert.True(t1!.Cancelled());
        Assert.True(t2!.Cancelled());
    });

    [Fact]
    public void test_taskgroup_10() => RunAsync(async () =>
    {
        AsyncioTask? t1 = null, t2 = null;

        async Coroutine Runner()
        {
#pragma warning disable CS1998
            await new TaskGroup().Run(async g =>
            {
                t1 = g.CreateTask(Sleeper(1, 42));
                t2 = g.CreateTask(Sleeper(2, 11));
                throw new DivideByZeroException();
            });
#pragma warning restore CS1998
        }

        var eg = await AssertRaisesAsync<ExceptionGroup>(Runner);
        Assert.Equal(new HashSet<Type> { typeof(DivideByZeroException) }, GetErrorTypes(eg));
        Assert.True(t1!.Cancelled());
        Assert.True(t2!.Cancelled());
    });

    [Fact]
    public void test_taskgroup_11() => RunAsync(async () =>
    {
        async Coroutine Runner()
        {
            await new TaskGroup().Run(async _ =>
            {
                await new TaskGroup().Run(async g2 =>
                {
                    for (var i = 0; i < 5; i++)
                    {
                        g2.CreateTask(SleepThenCrash(10));
                    }
                    await Asyncio.Sleep(10);
                });
            });
        }

        var r = Asyncio.CreateTask(Runner());
        await Asyncio.Sleep(0.1);
        Assert.False(r.Done());
        r.Cancel();
        var eg = await AssertRaisesAsync<ExceptionGroup>(async () => await r);
        Assert.Equal(new HashSet<Type> { typeof(ExceptionGroup) }, GetErrorTypes(eg));
        Assert.Equal(new HashSet<Type> { typeof(DivideByZeroException) }, GetErrorTypes((ExceptionGroup)eg.Exceptions[0]));
    });

    [Fact]
    public void test_taskgroup_12() => RunAsync(async () =>
    {
        async Coroutine Runner()
        {
            await new TaskGroup().Run(async g1 =>
            {
                g1.CreateTask(Asyncio.Sleep(10));
                await new TaskGroup().Run(async g2 =>
                {
                    for (var i = 0; i < 5; i++)
                    {
                        g2.CreateTask(SleepThenCrash(10));
                    }
                    await Asyncio.Sleep(10);
                });
            });
        }

        var r = Asyncio.CreateTask(Runner());
        await Asyncio.Sleep(0.1);
        Assert.False(r.Done());
        r.Cancel();
        var eg = await AssertRaisesAsync<ExceptionGroup>(async () => await r);
        Assert.Equal(new HashSet<Type> { typeof(ExceptionGroup) }, GetErrorTypes(eg));
        Assert.Equal(new HashSet<Type> { typeof(DivideByZeroException) }, GetErrorTypes((ExceptionGroup)eg.Exceptions[0]));
    });

    private static async Coroutine CrashValueAfter(double t)
    {
        await Asyncio.Sleep(t);
        throw new ValueError(t.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void test_taskgroup_13() => RunAsync(async () =>
    {
        async Coroutine Runner()
        {
            await new TaskGroup().Run(async g1 =>
            {
                g1.CreateTask(CrashValueAfter(0.1));
                await new TaskGroup().Run(async g2 =>
                {
                    g2.CreateTask(CrashValueAfter(10));
                    await Asyncio.Sleep(0);
                });
            });
        }

        var r = Asyncio.CreateTask(Runner());
        var eg = await AssertRaisesAsync<ExceptionGroup>(async () => await r);
        Assert.Equal(new HashSet<Type> { typeof(ValueError) }, GetErrorTypes(eg));
    });

    [Fact]
    public void test_taskgroup_14() => RunAsync(async () =>
    {
        async Coroutine Runner()
        {
            await new TaskGroup().Run(async g1 =>
            {
                g1.CreateTask(CrashValueAfter(10));
                await new TaskGroup().Run(async g2 =>
                {
                    g2.CreateTask(CrashValueAfter(0.1));
                    await Asyncio.Sleep(0);
                });
            });
        }

        var r = Asyncio.CreateTask(Runner());
        var eg = await AssertRaisesAsync<ExceptionGroup>(async () => await r);
        Assert.Equal(new HashSet<Type> { typeof(ExceptionGroup) }, GetErrorTypes(eg));
        Assert.Equal(new HashSet<Type> { typeof(ValueError) }, GetErrorTypes((ExceptionGroup)eg.Exceptions[0]));
    });

    private static Coroutine CrashSoonBodyThenLinger() => new TaskGroup().Run(async g1 =>
    {
        g1.CreateTask(CrashAfter(0.3));
        try
        {
            await Asyncio.Sleep(10);
        }
        catch (CancelledError)
        {
            await Asyncio.Sleep(0.5);
            throw;
        }
    });

    [Fact]
    public void test_taskgroup_15() => RunAsync(async () =>
    {
        var r = Asyncio.CreateTask(CrashSoonBodyThenLinger());
        await Asyncio.Sleep(0.1);
        Assert.False(r.Done());
        r.Cancel();
        var eg = await AssertRaisesAsync<ExceptionGroup>(async () => await r);
        Assert.Equal(new HashSet<Type> { typeof(DivideByZeroException) }, GetErrorTypes(eg));
    });

    [Fact]
    public void test_taskgroup_16() => RunAsync(async () =>
    {
        async Coroutine Runner()
        {
            var t = Asyncio.CreateTask(CrashSoonBodyThenLinger());
            await t;
        }

        var r = Asyncio.CreateTask(Runner());
        await Asyncio.Sleep(0.1);
        Assert.False(r.Done());
        r.Cancel();
        var eg = await AssertRaisesAsync<ExceptionGroup>(async () => await r);
        Assert.Equal(new HashSet<Type> { typeof(DivideByZeroException) }, GetErrorTypes(eg));
    });

    [Fact]
    public void test_taskgroup_17() => RunAsync(async () =>
    {
        var num = 0;

        async Coroutine Runner()
        {
            await new TaskGroup().Run(async _ =>
            {
                try
                {
                    await Asyncio.Sleep(10);
                }
                catch (CancelledError)
                {
                    num += 10;
                    throw;
                }
            });
        }

        var r = Asyncio.CreateTask(Runner());
        await Asyncio.Sleep(0.1);
        Assert.False(r.Done());
        r.Cancel();
        await AssertRaisesAsync<CancelledError>(async () => await r);
        Assert.Equal(10, num);
    });

    [Fact]
    public void test_taskgroup_18() => RunAsync(async () =>
    {
        var num = 0;

        async Coroutine Runner()
        {
            await new TaskGroup().Run(async _ =>
            {
                try
                {
                    await Asyncio.Sleep(10);
                }
                catch (CancelledError)
                {
                    num += 10;
                    // Not a good idea, but this weird case is supported.
                    throw new TaskGroupMyExc();
                }
            });
        }

        var r = Asyncio.CreateTask(Runner());
        await Asyncio.Sleep(0.1);
        Assert.False(r.Done());
        r.Cancel();
        var eg = await AssertRaisesAsync<ExceptionGroup>(async () => await r);
        Assert.Equal(new HashSet<Type> { typeof(TaskGroupMyExc) }, GetErrorTypes(eg));
        Assert.Equal(10, num);
    });

    [Fact]
    public void test_taskgroup_19() => RunAsync(async () =>
    {
        async Coroutine Nested()
        {
            try
            {
                await Asyncio.Sleep(10);
            }
            finally
            {
                throw new TaskGroupMyExc();
            }
        }

        async Coroutine Runner()
        {
            await new TaskGroup().Run(async g =>
            {
                g.CreateTask(CrashAfter(0.1));
                await Nested();
            });
        }

        var r = Asyncio.CreateTask(Runner());
        var eg = await AssertRaisesAsync<ExceptionGroup>(async () => await r);
        Assert.Equal(new HashSet<Type> { typeof(TaskGroupMyExc), typeof(DivideByZeroException) }, GetErrorTypes(eg));
    });

    [Fact]
    public void test_taskgroup_22() => RunAsync(async () =>
    {
        async Coroutine Runner()
        {
            await new TaskGroup().Run(async g =>
            {
                g.CreateTask(Sleeper(1, 42));
                g.CreateTask(Sleeper(2, 11));
                await Asyncio.Sleep(0);
            });
        }

        var r = Asyncio.CreateTask(Runner());
        await Asyncio.Sleep(0.05);
        r.Cancel();
        await AssertRaisesAsync<CancelledError>(async () => await r);
    });

    [Fact]
    public void test_taskgroup_23() => RunAsync(async () =>
    {
        await new TaskGroup().Run(async g =>
        {
            for (var count = 0; count < 10; count++)
            {
                await Asyncio.Sleep(0.1);
                g.CreateTask(Asyncio.Sleep(0.3));
                if (count == 5)
                {
                    Assert.True(g.Tasks.Count < 5);
                }
            }
            await Asyncio.Sleep(1.35);
            Assert.Empty(g.Tasks);
        });
    });

    [Fact]
    public void test_taskgroup_24() => RunAsync(async () =>
    {
        async Coroutine Root(TaskGroup g)
        {
            await Asyncio.Sleep(0.1);
            g.CreateTask(Asyncio.Sleep(0.1));
            g.CreateTask(Asyncio.Sleep(0.2));
        }

        await new TaskGroup().Run(async g =>
        {
            g.CreateTask(Root(g));
            await Asyncio.Sleep(0);
        });
    });

    [Fact]
    public void test_taskgroup_25() => RunAsync(async () =>
    {
        var nhydras = 0;

        async Coroutine Hydra(TaskGroup g)
        {
            nhydras += 1;
            await Asyncio.Sleep(0.01);
            g.CreateTask(Hydra(g));
            g.CreateTask(Hydra(g));
        }

        async Coroutine Hercules()
        {
            while (nhydras < 10)
            {
                await Asyncio.Sleep(0.015);
            }
            throw new DivideByZeroException();
        }

        var eg = await AssertRaisesAsync<ExceptionGroup>(() => new TaskGroup().Run(async g =>
        {
            g.CreateTask(Hydra(g));
            g.CreateTask(Hercules());
            await Asyncio.Sleep(0);
        }));
        Assert.Equal(new HashSet<Type> { typeof(DivideByZeroException) }, GetErrorTypes(eg));
        Assert.True(nhydras >= 10);
    });

    [Fact]
    public void test_taskgroup_task_name() => RunAsync(async () =>
    {
        await new TaskGroup().Run(async g =>
        {
            var t = g.CreateTask(Asyncio.Sleep(0), name: "yolo");
            Assert.Equal("yolo", t.GetName());
            await Asyncio.Sleep(0);
        });
    });

    [Fact]
    public void test_taskgroup_no_create_task_after_failure() => RunAsync(async () =>
    {
        async Coroutine Coro1()
        {
            await Asyncio.Sleep(0.001);
            throw new DivideByZeroException();
        }

        async Coroutine Coro2(TaskGroup g)
        {
            try
            {
                await Asyncio.Sleep(1);
            }
            catch (CancelledError)
            {
                var c1 = Coro1();
                Assert.Throws<RuntimeError>(() => g.CreateTask(c1));
                // c1 still has to be awaited.
                await AssertRaisesAsync<DivideByZeroException>(() => c1);
            }
        }

        var eg = await AssertRaisesAsync<ExceptionGroup>(() => new TaskGroup().Run(async g =>
        {
            g.CreateTask(Coro1());
            g.CreateTask(Coro2(g));
            await Asyncio.Sleep(0);
        }));
        Assert.Equal(new HashSet<Type> { typeof(DivideByZeroException) }, GetErrorTypes(eg));
    });

    [Fact]
    public void test_taskgroup_context_manager_exit_raises() => RunAsync(async () =>
    {
        async Coroutine RaiseExc()
        {
            await Asyncio.Sleep(0);
            throw new TaskGroupCustomException();
        }

        async Coroutine Main()
        {
            var task = Asyncio.CurrentTask()!;
            var err = await AssertRaisesAsync<ExceptionGroup>(() => new TaskGroup().Run(async tg =>
            {
                await new TaskGroupDatabase().Run(async _ =>
                {
                    tg.CreateTask(RaiseExc());
                    await Asyncio.Sleep(1);
                });
            }));
            Assert.Equal(0, task.Cancelling());
            Assert.Equal(2, err.Exceptions.Count);
            Assert.All(err.Exceptions, e => Assert.IsType<TaskGroupCustomException>(e));
        }

        await Asyncio.CreateTask(Main());
    });

    [Fact]
    public void test_taskgroup_already_entered() => RunAsync(async () =>
    {
        var tg = new TaskGroup();
        await tg.Run(async _ =>
        {
            var exc = await AssertRaisesAsync<RuntimeError>(() => tg.Run(async _ => await Asyncio.Sleep(0)));
            Assert.Contains("has already been entered", exc.Message);
        });
    });

    [Fact]
    public void test_taskgroup_double_enter() => RunAsync(async () =>
    {
        var tg = new TaskGroup();
        await tg.Run(async _ => await Asyncio.Sleep(0));
        var exc = await AssertRaisesAsync<RuntimeError>(() => tg.Run(async _ => await Asyncio.Sleep(0)));
        Assert.Contains("has already been entered", exc.Message);
    });

    [Fact]
    public void test_taskgroup_finished() => RunAsync(async () =>
    {
        var tg = new TaskGroup();
        await tg.Run(async _ => await Asyncio.Sleep(0));
        var coro = Asyncio.Sleep(0);
        var exc = Assert.Throws<RuntimeError>(() => tg.CreateTask(coro));
        Assert.Contains("is finished", exc.Message);
        await coro;
    });

    [Fact]
    public void test_taskgroup_not_entered() => RunAsync(async () =>
    {
        var tg = new TaskGroup();
        var coro = Asyncio.Sleep(0);
        var exc = Assert.Throws<RuntimeError>(() => tg.CreateTask(coro));
        Assert.Contains("has not been entered", exc.Message);
        await coro;
    });

    [Fact]
    public void test_taskgroup_without_parent_task() => RunAsync(async () =>
    {
        var tg = new TaskGroup();
        var loop = Asyncio.GetRunningLoop();
        var raised = ((BaseEventLoop)loop).CreateFuture<Exception>();
        loop.CallSoon(() =>
        {
            try
            {
                tg.AEnter().GetAwaiter().GetResult();
            }
            catch (RuntimeError e)
            {
                raised.SetResult(e);
            }
        });
        Assert.Contains("parent task", (await raised).Message);
        var coro = Asyncio.Sleep(0);
        var exc = Assert.Throws<RuntimeError>(() => tg.CreateTask(coro));
        Assert.Contains("has not been entered", exc.Message);
        await coro;
    });
}
