namespace AsyncioSharp;

/// <summary>
/// The handle that runs a task's next step (Python schedules <c>task.__step</c> / <c>__wakeup</c>). A task waits
/// for one thing at a time, so one handle per task is reused for every step instead of allocating one each time.
/// </summary>
internal sealed class TaskStepHandle : Handle
{
    private readonly AsyncioTask _task;

    public TaskStepHandle(AsyncioTask task) : base(null, null, task.Loop, null)
    {
        _task = task;
    }

    internal override System.Delegate? Callback => (System.Action)_task.Step;

    internal override AsyncioTask? StepOf => _task;

    private protected override void Invoke() => _task.Step();
}
