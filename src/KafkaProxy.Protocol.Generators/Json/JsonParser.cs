using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace KafkaProxy.Protocol.Generators.Json;

/// <summary>
/// A small JSON reader for schema files (a generator cannot count on System.Text.Json being loadable in the
/// compiler). Standard JSON plus <c>//</c> line comments; every value keeps its span for diagnostics.
/// </summary>
internal sealed class JsonParser
{
    private readonly string _text;
    private int _position;

    private JsonParser(string text) => _text = text;

    /// <summary>Parses a whole document.</summary>
    /// <exception cref="JsonParseException">The text is not JSON.</exception>
    public static JsonNode Parse(string text)
    {
        var parser = new JsonParser(text);
        JsonNode value = parser.ReadValue();
        parser.SkipTrivia();
        if (parser._position < text.Length)
        {
            throw parser.Error("text after the end of the document");
        }

        return value;
    }

    private JsonNode ReadValue()
    {
        SkipTrivia();
        if (_position >= _text.Length)
        {
            throw Error("the document ends where a value was expected");
        }

        char c = _text[_position];
        return c switch
        {
            '{' => ReadObject(),
            '[' => ReadArray(),
            '"' => ReadString(),
            't' => ReadLiteral("true", span => new JsonBool(span, true)),
            'f' => ReadLiteral("false", span => new JsonBool(span, false)),
            'n' => ReadLiteral("null", span => new JsonNull(span)),
            _ when c == '-' || (c >= '0' && c <= '9') => ReadNumber(),
            _ => throw Error($"unexpected character '{c}'"),
        };
    }

    private JsonObject ReadObject()
    {
        int start = _position++;
        var properties = new List<JsonProperty>();
        ReadItems('}', () =>
        {
            SkipTrivia();
            if (_position >= _text.Length || _text[_position] != '"')
            {
                throw Error("a property name (a string) was expected");
            }

            JsonString name = ReadString();
            SkipTrivia();
            Expect(':');
            JsonNode value = ReadValue();
            if (properties.Exists(existing => existing.Name == name.Value))
            {
                throw new JsonParseException($"property \"{name.Value}\" appears twice", name.Span);
            }

            properties.Add(new JsonProperty(name.Value, name.Span, value));
        });
        return new JsonObject(TextSpan.FromBounds(start, _position), properties);
    }

    private JsonArray ReadArray()
    {
        int start = _position++;
        var items = new List<JsonNode>();
        ReadItems(']', () => items.Add(ReadValue()));
        return new JsonArray(TextSpan.FromBounds(start, _position), items);
    }

    // The comma-separated items of an object or array, up to and including its closing character.
    private void ReadItems(char close, Action readItem)
    {
        SkipTrivia();
        if (TryConsume(close))
        {
            return;
        }

        while (true)
        {
            readItem();
            SkipTrivia();
            if (TryConsume(close))
            {
                return;
            }

            Expect(',');
        }
    }

    private JsonString ReadString()
    {
        int start = _position++;
        var value = new StringBuilder();
        while (true)
        {
            if (_position >= _text.Length)
            {
                throw new JsonParseException("the string is not closed", TextSpan.FromBounds(start, _position));
            }

            char c = _text[_position++];
            if (c == '"')
            {
                return new JsonString(TextSpan.FromBounds(start, _position), value.ToString());
            }

            if (c == '\n' || c == '\r')
            {
                throw new JsonParseException("the string is not closed on its line", TextSpan.FromBounds(start, _position - 1));
            }

            if (c != '\\')
            {
                value.Append(c);
                continue;
            }

            if (_position >= _text.Length)
            {
                throw Error("the escape sequence is not complete");
            }

            char escape = _text[_position++];
            switch (escape)
            {
                case '"': value.Append('"'); break;
                case '\\': value.Append('\\'); break;
                case '/': value.Append('/'); break;
                case 'b': value.Append('\b'); break;
                case 'f': value.Append('\f'); break;
                case 'n': value.Append('\n'); break;
                case 'r': value.Append('\r'); break;
                case 't': value.Append('\t'); break;
                case 'u':
                    if (_position + 4 > _text.Length
                        || !int.TryParse(_text.Substring(_position, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code))
                    {
                        throw Error("\\u must be followed by four hex digits");
                    }

                    value.Append((char)code);
                    _position += 4;
                    break;
                default:
                    _position--;
                    throw Error($"unknown escape sequence '\\{escape}'");
            }
        }
    }

    private JsonNumber ReadNumber()
    {
        int start = _position;
        TryConsume('-');
        if (!ReadDigits())
        {
            throw Error("a digit was expected");
        }

        bool whole = true;
        if (TryConsume('.'))
        {
            whole = false;
            if (!ReadDigits())
            {
                throw Error("a digit was expected after the decimal point");
            }
        }

        if (_position < _text.Length && (_text[_position] == 'e' || _text[_position] == 'E'))
        {
            whole = false;
            _position++;
            if (!TryConsume('+'))
            {
                TryConsume('-');
            }

            if (!ReadDigits())
            {
                throw Error("a digit was expected in the exponent");
            }
        }

        string text = _text.Substring(start, _position - start);
        var span = TextSpan.FromBounds(start, _position);
        long? integer = whole && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long parsed) ? parsed : null;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
        {
            throw new JsonParseException($"the number {text} cannot be read", span);
        }

        return new JsonNumber(span, text, integer, value);
    }

    private bool ReadDigits()
    {
        int start = _position;
        while (_position < _text.Length && _text[_position] >= '0' && _text[_position] <= '9')
        {
            _position++;
        }

        return _position > start;
    }

    private JsonNode ReadLiteral(string literal, Func<TextSpan, JsonNode> create)
    {
        if (string.CompareOrdinal(_text, _position, literal, 0, literal.Length) != 0)
        {
            throw Error($"unexpected character '{_text[_position]}'");
        }

        int start = _position;
        _position += literal.Length;
        return create(TextSpan.FromBounds(start, _position));
    }

    private void SkipTrivia()
    {
        while (_position < _text.Length)
        {
            char c = _text[_position];
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\uFEFF')
            {
                _position++;
            }
            else if (c == '/' && _position + 1 < _text.Length && _text[_position + 1] == '/')
            {
                while (_position < _text.Length && _text[_position] != '\n')
                {
                    _position++;
                }
            }
            else
            {
                return;
            }
        }
    }

    private bool TryConsume(char c)
    {
        if (_position < _text.Length && _text[_position] == c)
        {
            _position++;
            return true;
        }

        return false;
    }

    private void Expect(char c)
    {
        if (!TryConsume(c))
        {
            throw Error(_position < _text.Length ? $"'{c}' was expected, not '{_text[_position]}'" : $"'{c}' was expected before the end of the document");
        }
    }

    private JsonParseException Error(string message) =>
        new(message, new TextSpan(Math.Min(_position, _text.Length), _position < _text.Length ? 1 : 0));
}
