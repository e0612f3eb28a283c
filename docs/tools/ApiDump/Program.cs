using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.Json;

// Writes every public type of AsyncioSharp.dll with its public members (inherited ones included, each method as the
// type resolves it) and, per member, whether its body only throws NotImplementedException: the "not yet
// implemented" marker that docs/tools/api_map.py reads.

var assembly = typeof(AsyncioSharp.AbstractEventLoop).Assembly;
const BindingFlags Flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.FlattenHierarchy;
var notImplementedCtors = typeof(NotImplementedException).GetConstructors().Cast<MethodBase>().ToHashSet();

bool OnlyThrowsNotImplemented(MethodBase method)
{
    var il = method.GetMethodBody()?.GetILAsByteArray();
    // newobj <ctor> ; throw  -- exactly what `=> throw new NotImplementedException()` compiles to.
    if (il is null || il.Length != 6 || il[0] != 0x73 || il[5] != 0x7A)
    {
        return false;
    }
    try
    {
        return notImplementedCtors.Contains(method.Module.ResolveMethod(BitConverter.ToInt32(il, 1))!);
    }
    catch (ArgumentException)
    {
        return false;
    }
}

static string SimpleName(Type t)
{
    var tick = t.Name.IndexOf('`');
    return tick < 0 ? t.Name : t.Name[..tick];
}

var types = new List<object>();
foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
{
    var members = new List<object>();
    foreach (var m in type.GetMembers(Flags))
    {
        switch (m)
        {
            case MethodInfo method when !method.IsSpecialName:
                members.Add(new
                {
                    name = method.Name,
                    kind = "method",
                    @static = method.IsStatic,
                    declaring = method.DeclaringType?.Name,
                    @abstract = method.IsAbstract,
                    notImplemented = OnlyThrowsNotImplemented(method),
                });
                break;
            case PropertyInfo property:
                var getter = property.GetMethod;
                members.Add(new
                {
                    name = property.Name,
                    kind = "property",
                    @static = getter?.IsStatic ?? false,
                    declaring = property.DeclaringType?.Name,
                    @abstract = getter?.IsAbstract ?? false,
                    notImplemented = getter is not null && OnlyThrowsNotImplemented(getter),
                });
                break;
            case FieldInfo field:
                members.Add(new { name = field.Name, kind = "field", @static = field.IsStatic, declaring = field.DeclaringType?.Name, @abstract = false, notImplemented = false });
                break;
            case ConstructorInfo ctor:
                members.Add(new { name = ".ctor", kind = "constructor", @static = false, declaring = ctor.DeclaringType?.Name, @abstract = false, notImplemented = OnlyThrowsNotImplemented(ctor) });
                break;
        }
    }
    types.Add(new
    {
        name = SimpleName(type),
        fullName = type.FullName,
        @namespace = type.Namespace,
        generic = type.IsGenericTypeDefinition,
        @abstract = type.IsAbstract && !type.IsSealed,
        baseType = type.BaseType is { } b ? SimpleName(b) : null,
        interfaces = type.GetInterfaces().Select(SimpleName).Distinct().OrderBy(n => n, StringComparer.Ordinal).ToArray(),
        members,
    });
}

var json = JsonSerializer.Serialize(new { assembly = assembly.GetName().Name, types }, new JsonSerializerOptions { WriteIndented = true });
if (args.Length > 0)
{
    File.WriteAllText(args[0], json);
}
else
{
    Console.WriteLine(json);
}
